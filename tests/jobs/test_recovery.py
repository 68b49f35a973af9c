"""Recovery from a killed worker: the lease is kept alive by a thread beside the job and taken back from a
dead process on the same machine as soon as it goes quiet (videos/jobs/reaper.py), never from a live one.
The last test SIGKILLs a `manage.py qcluster` worker mid-render and times the recovery."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.brokers import get_broker

from tests.jobs.fixtures import qcluster, videos_on
from videos.jobs import broker, lease, reaper, services
from videos.jobs.dispatch import sweep
from videos.jobs.models import TERMINAL, JobStatus, VideoJob
from videos.jobs.pipeline import run_job

FAST = {"duration": 2, "music": "none"}
PRODUCT = "gid://shopify/Product/{}"


def dead_pid() -> int:
    """The id of a process of this machine that has ended (and been waited for)."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def held(shop, n: int, owner: str, *, renewed_ago_s: float):  # noqa: ANN001, ANN201
    """A rendering job whose lease `owner` last renewed `renewed_ago_s` seconds ago."""
    from django.conf import settings

    job = services.create_job(shop, PRODUCT.format(n), FAST)
    expires = timezone.now() + timedelta(seconds=settings.SHOWREEL_JOB_LEASE_S - renewed_ago_s)
    VideoJob.objects.filter(pk=job.pk).update(status=JobStatus.RENDERING, lease_owner=owner, lease_expires_at=expires)
    return job


@pytest.mark.django_db
def test_only_a_dead_local_owner_whose_lease_went_quiet_is_taken_back(shopify_shop, settings,
                                                                      django_capture_on_commit_callbacks):
    quiet = 3 * settings.SHOWREEL_JOB_LEASE_RENEW_S  # more than two renewal intervals
    host, gone = lease.host_name(), dead_pid()
    dead = held(shopify_shop, 1, f"{host}:{gone}:aaaa", renewed_ago_s=quiet)
    alive = held(shopify_shop, 2, f"{host}:{os.getpid()}:bbbb", renewed_ago_s=quiet)
    elsewhere = held(shopify_shop, 3, f"other-{host}:{gone}:cccc", renewed_ago_s=quiet)
    fresh = held(shopify_shop, 4, f"{host}:{gone}:dddd", renewed_ago_s=settings.SHOWREEL_JOB_LEASE_RENEW_S)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        taken = reaper.reap()

    assert taken == [dead.pk]
    rows = {j.pk: j for j in VideoJob.objects.filter(pk__in=[dead.pk, alive.pk, elsewhere.pk, fresh.pk])}
    assert rows[dead.pk].lease_owner == "" and rows[dead.pk].enqueued_at >= before
    assert [rows[j.pk].lease_owner for j in (alive, elsewhere, fresh)] == [
        f"{host}:{os.getpid()}:bbbb", f"other-{host}:{gone}:cccc", f"{host}:{gone}:dddd"]
    assert get_broker(broker.queue_name()).queue_size() == 1  # handed to the workers again
    assert reaper.reap() == []  # once only


@pytest.mark.django_db
def test_the_sweep_takes_back_a_dead_local_workers_job_before_its_lease_runs_out(shopify_shop, settings):
    job = held(shopify_shop, 1, f"{lease.host_name()}:{dead_pid()}:aaaa",
               renewed_ago_s=3 * settings.SHOWREEL_JOB_LEASE_RENEW_S)
    assert VideoJob.objects.get(pk=job.pk).lease_expires_at > timezone.now()  # not expired

    assert sweep()["requeued"] == 1

    assert VideoJob.objects.get(pk=job.pk).lease_owner == ""


@pytest.mark.django_db(transaction=True)
def test_a_claim_is_renewed_while_the_job_makes_no_checkpoint_and_notices_a_takeover(shopify_shop, settings):
    settings.SHOWREEL_JOB_LEASE_S = 1.0
    settings.SHOWREEL_JOB_LEASE_RENEW_S = 0.1
    job = services.create_job(shopify_shop, PRODUCT.format(1), FAST)
    owner = lease.new_owner()
    assert lease.claim(job.pk, owner) is not None
    try:
        time.sleep(1.5)  # longer than the lease, with no checkpoint from the job
        assert VideoJob.objects.get(pk=job.pk).lease_expires_at > timezone.now()
        assert sweep()["requeued"] == 0 and not lease.is_lost(owner)

        VideoJob.objects.filter(pk=job.pk).update(lease_owner="another-worker")
        deadline = time.monotonic() + 2
        while not lease.is_lost(owner) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert lease.is_lost(owner)
    finally:
        lease.release(job, owner)
    assert VideoJob.objects.get(pk=job.pk).lease_owner == "another-worker"  # a lost lease is not released
    assert not [t for t in threading.enumerate() if t.name == f"lease-{owner}"]  # the keeper stopped


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_render_has_its_job_ready_within_60_s(shopify_shop, shopify_emulator, tiny_product,
                                                                  settings, tmp_path):
    # Renders big enough to be caught in the middle; the lease settings are the defaults (as in production).
    settings.SHOWREEL_RENDER_MAX_SIDE, settings.SHOWREEL_RENDER_FPS = 720, 24
    product = tiny_product()
    with qcluster(settings, tmp_path / "qcluster.log", Q_WORKERS="2", LOG_LEVEL="INFO",
                  SHOWREEL_JOB_LEASE_S=str(settings.SHOWREEL_JOB_LEASE_S),
                  SHOWREEL_JOB_LEASE_RENEW_S=str(settings.SHOWREEL_JOB_LEASE_RENEW_S)) as cluster:
        job = services.create_job(shopify_shop, product, {"duration": 6, "music": "none"})
        deadline = time.monotonic() + 90
        while (row := VideoJob.objects.get(pk=job.pk)).status != JobStatus.RENDERING:
            assert row.status not in TERMINAL and time.monotonic() < deadline, cluster.output(tail=4000)
            time.sleep(0.02)
        pid = reaper.local_pid(row.lease_owner)
        assert pid is not None and pid != cluster.process.pid

        os.kill(pid, signal.SIGKILL)
        killed_at = time.monotonic()
        time.sleep(0.2)
        assert VideoJob.objects.get(pk=job.pk).status == JobStatus.RENDERING  # died mid-render

        while (row := VideoJob.objects.get(pk=job.pk)).status not in TERMINAL:
            assert cluster.alive() and time.monotonic() - killed_at < 120, cluster.output(tail=4000)
            time.sleep(0.1)
        recovered_s = time.monotonic() - killed_at

    print(f"\nrecovery: job READY {recovered_s:.1f} s after its worker was killed mid-render "
          f"(a whole render takes {(row.timings or {}).get('rendering', 0):.1f} s)")
    assert row.status == JobStatus.READY, (row.error_message, cluster.output(tail=4000))
    assert recovered_s < 60
    assert row.attempts == 2 and row.credit_entries.filter(kind="charge").count() == 1
    assert [v["id"] for v in videos_on(shopify_emulator, product)] == [row.media_id]
    whole_log = cluster.output()
    assert "reincarnated worker" in whole_log  # django-q2 replaced the killed worker...
    assert "whose worker process on this machine died" in whole_log  # ...which took the job back
    # The broker's own copy of the killed task, delivered late (ORM broker after Q_CLUSTER["retry"]), is refused.
    assert run_job(job.pk).startswith("skipped")
    assert VideoJob.objects.get(pk=job.pk).attempts == 2
