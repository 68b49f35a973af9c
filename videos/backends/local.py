"""The local backend: renders a spec on this machine with the PyAV/OpenCV renderer (videos/render/)."""

from __future__ import annotations

from pathlib import Path

from videos.backends.base import ProgressCallback, RenderResult
from videos.spec import VideoSpec


class LocalBackend:
    name = "local"

    def render(
        self,
        spec: VideoSpec,
        output: Path,
        *,
        poster: Path | None = None,
        progress: ProgressCallback | None = None,
        cores: int | None = None,
    ) -> RenderResult:
        """Validate every source, then render the MP4 (and poster) atomically; bad input raises
        `videos.media.errors.MediaError` (a non-retryable RenderError) naming the file and the reason."""
        from videos.render.pipeline import render_spec

        return render_spec(spec, Path(output), poster=Path(poster) if poster else None, progress=progress,
                           cores=cores)
