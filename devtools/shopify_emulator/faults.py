"""Fault injection: the next N matching requests misbehave the way Shopify sometimes does."""

from __future__ import annotations

import threading
from dataclasses import dataclass

KINDS = ("throttle", "5xx", "429", "hang", "401", "drop")
TARGETS = ("graphql", "oauth", "upload")


@dataclass
class Fault:
    kind: str  # throttle: GraphQL THROTTLED with an empty bucket; 5xx: `status`; 429: with Retry-After;
    #           hang: wait `seconds` before answering normally; 401: invalid token; drop: do the work (a
    #           mutation is applied) and close the connection without an answer, as a lost response looks
    times: int = 1
    target: str = "graphql"
    status: int = 503
    retry_after: str | None = "1"
    seconds: float = 5.0


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queue: list[Fault] = []
        self.released = threading.Event()  # set on stop/reset so hanging requests end at once

    def add(self, kind: str, *, times: int = 1, target: str = "graphql", status: int = 503,
            retry_after: str | None = "1", seconds: float = 5.0) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {', '.join(KINDS)}")
        if target not in TARGETS:
            raise ValueError(f"unknown fault target {target!r}; choose from {', '.join(TARGETS)}")
        if kind == "5xx" and not 500 <= status <= 599:
            raise ValueError("a 5xx fault needs a status from 500 to 599")
        if times < 1:
            raise ValueError("times must be at least 1")
        fault = Fault(kind, times, target, status, retry_after, seconds)
        with self._lock:
            self._queue.append(fault)
            self.released.clear()
        return fault

    def take(self, target: str) -> Fault | None:
        """The fault to apply to this request, if one is queued for its target."""
        with self._lock:
            for fault in self._queue:
                if fault.target == target:
                    fault.times -= 1
                    if fault.times == 0:
                        self._queue.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._queue.clear()
        self.released.set()

    def pending(self) -> list[Fault]:
        with self._lock:
            return list(self._queue)
