"""What a stage gets: the job, a way to record a checkpoint (which also renews the lease and notices a
cancel), throttled progress, the work folder and a lazily-made Admin API client. The lease itself is kept
alive by lease._Keeper; a checkpoint is where the job learns that it was cancelled or taken over."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings

from shopify_app import services as shopify_services
from shopify_app.admin_api.client import AdminClient
from shopify_app.admin_api.transport import Transport
from videos.jobs import files, lease
from videos.jobs.models import JobStatus, VideoJob

# The job progress each stage spans: (when publishing, when the job only renders).
PROGRESS: dict[str, tuple[tuple[int, int], tuple[int, int]]] = {
    JobStatus.FETCHING: ((0, 10), (0, 10)),
    JobStatus.COMPOSING: ((10, 20), (10, 20)),
    JobStatus.RENDERING: ((20, 70), (20, 98)),
    JobStatus.UPLOADING: ((70, 80), (98, 98)),
    JobStatus.ATTACHING: ((80, 85), (98, 98)),
    JobStatus.PROCESSING: ((85, 99), (98, 98)),
}


def progress_range(status: str, *, publishing: bool) -> tuple[int, int]:
    """The job progress a stage spans (a job that only renders ends at rendering)."""
    when_publishing, rendering_only = PROGRESS[status]
    return when_publishing if publishing else rendering_only


@dataclass
class StageContext:
    job: VideoJob
    owner: str
    transport: Transport | None = None
    progress_range: tuple[int, int] = (0, 100)
    # How long the processing stage polls Shopify before parking the job (None: until READY or the limit).
    wait_inline_s: float | None = None
    _admin: AdminClient | None = field(default=None, repr=False)
    _last_beat: float = field(default_factory=time.monotonic, repr=False)
    _thread: int = field(default_factory=threading.get_ident, repr=False)

    @property
    def work_dir(self) -> Path:
        return files.work_dir(self.job.pk)

    def admin(self) -> AdminClient:
        if self._admin is None:
            self._admin = shopify_services.admin_client(self.job.shop, transport=self.transport)
        return self._admin

    def forget_client(self) -> None:
        """The next `admin()` makes a new client (with the shop's token as stored now)."""
        self._admin = None

    def save(self, **fields: Any) -> None:
        """Record a checkpoint (and renew the lease); raises JobCancelled / LeaseLost."""
        lease.update(self.job, self.owner, **fields)
        self._last_beat = time.monotonic()

    def progress(self, fraction: float) -> None:
        """The stage is `fraction` done: written (with a lease renewal) at most every heartbeat interval,
        and only from the job's own thread (a render callback may run on another)."""
        low, high = self.progress_range
        value = int(low + max(0.0, min(1.0, fraction)) * (high - low))
        if threading.get_ident() != self._thread:
            return
        if (time.monotonic() - self._last_beat < settings.SHOWREEL_JOB_HEARTBEAT_S and value <= self.job.progress + 5
                and not lease.is_lost(self.owner)):
            return
        self.save(progress=max(value, self.job.progress))

    def heartbeat(self) -> None:
        """Renew and notice a cancel; at once when the lease keeper found the job is no longer ours."""
        if time.monotonic() - self._last_beat >= settings.SHOWREEL_JOB_HEARTBEAT_S or lease.is_lost(self.owner):
            self.save()

    def sleep(self, seconds: float) -> None:
        """Wait, renewing the lease and noticing a cancel on the way."""
        end = time.monotonic() + seconds
        while (left := end - time.monotonic()) > 0:
            time.sleep(min(left, 1.0))
            self.heartbeat()
