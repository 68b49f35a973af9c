"""The interface every render backend implements."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from videos.spec import VideoSpec

# Called with (fraction done 0..1, a short stage label such as "rendering" or "encoding").
ProgressCallback = Callable[[float, str], None]


class RenderError(Exception):
    """A render failed. `retryable` says whether trying the same spec again can help
    (a network blip: yes; a corrupt photo or an invalid spec: no)."""

    def __init__(self, message: str, *, retryable: bool = False, code: str = "render_failed") -> None:
        super().__init__(message)
        self.message = message
        self.retryable = retryable
        self.code = code


@dataclass
class RenderResult:
    path: Path
    duration_s: float
    size_bytes: int
    width: int
    height: int
    render_s: float
    poster_path: Path | None = None
    details: dict = field(default_factory=dict)


class RenderBackend(Protocol):
    name: str

    def render(
        self,
        spec: VideoSpec,
        output: Path,
        *,
        poster: Path | None = None,
        progress: ProgressCallback | None = None,
        cores: int | None = None,
    ) -> RenderResult:
        """Render `spec` to an MP4 at `output` (and a JPG poster at `poster` when given).

        Either the complete file is at `output` afterwards or nothing is: no partial files.
        `cores`: 1 keeps the render to one of this machine's cores; None renders as configured. A backend that
        renders elsewhere ignores it."""
        ...
