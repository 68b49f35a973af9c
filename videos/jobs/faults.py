"""Named points in the pipeline where tests make a worker die (or run a callback), to prove a re-run
finishes the job exactly once.

`SHOWREEL_JOB_CRASH_AT=<point>` in a worker's environment ends the process at once (`os._exit`, no cleanup,
as a kill would) when it reaches that point; never in production. Points: "fetching", "composing",
"rendering", "uploading", "attaching", "processing" (each: the stage's work is done and not yet recorded)
and "replacing" (the new media is READY, the old ones not removed yet).
"""

from __future__ import annotations

import os
from collections.abc import Callable

from django.conf import settings

CRASH_ENV = "SHOWREEL_JOB_CRASH_AT"
CRASH_EXIT_CODE = 137  # what a SIGKILLed process reports
POINTS = ("fetching", "composing", "rendering", "uploading", "attaching", "processing", "replacing")

_hooks: dict[str, list[Callable[[], None]]] = {}


def point(name: str) -> None:
    for hook in list(_hooks.get(name, ())):
        hook()
    if os.environ.get(CRASH_ENV) == name and settings.SHOWREEL_ENV != "production":
        os._exit(CRASH_EXIT_CODE)


def on(name: str, hook: Callable[[], None]) -> Callable[[], None]:
    """Run `hook` when a job reaches `name` in this process (tests); returns a function that removes it."""
    if name not in POINTS:
        raise ValueError(f"unknown fault point {name!r}; choose one of {', '.join(POINTS)}")
    _hooks.setdefault(name, []).append(hook)
    return lambda: _hooks.get(name, []).remove(hook)


def clear() -> None:
    _hooks.clear()
