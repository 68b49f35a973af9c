"""Two machines, simulated: one gunicorn web process and two `manage.py qcluster` worker processes, each with a
working folder of its own (nothing shared on disk), sharing PostgreSQL, a Redis broker and an S3 server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from django.conf import settings

from tests.deploy.conftest import app_env, s3_storage_env, start_gunicorn, start_qcluster, wait_until
from tests.jobs.fixtures import TEST_SHOP, reinstall, videos_on

PRODUCTS = 8


def machine(tmp_path: Path, name: str) -> dict[str, str]:
    """A machine's own disk: media, work and var folders no other process sees."""
    root = tmp_path / name
    return {"MEDIA_ROOT": str(root / "media"), "SHOWREEL_WORK_DIR": str(root / "work"), "SHOWREEL_VAR_DIR": str(root / "var")}


def files_under(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


@pytest.mark.slow
@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="needs PostgreSQL: separate machines cannot share an SQLite file "
                           "(runs in scripts/test.sh's PostgreSQL pass)")
@pytest.mark.django_db(transaction=True)
def test_a_bulk_batch_on_two_worker_machines_without_a_shared_disk(settings, shopify_emulator, tiny_product, credits_for,
                                                                  redis_server, s3_server, s3_bucket, processes, tmp_path):
    # Given a store with 8 products and credits for them
    shop = reinstall(shopify_emulator, bucket_max=20000, restore_rate=1000)
    credits_for(shop, 20)
    products = [tiny_product(count=2) for _ in range(PRODUCTS)]
    # and a web machine and two worker machines sharing only the database, the broker and object storage
    shared = app_env(settings, REDIS_URL=redis_server.url, LOG_LEVEL="INFO", **s3_storage_env(s3_server, s3_bucket))
    web = start_gunicorn(processes, shared | machine(tmp_path, "web"), tmp_path / "web.log")
    workers = [start_qcluster(processes, shared | machine(tmp_path, name) | {"Q_WORKERS": "1"}, tmp_path / f"{name}.log")
               for name in ("worker-a", "worker-b")]
    auth = {"Authorization": f"Bearer {shopify_emulator.session_token(TEST_SHOP)}"}

    # When the merchant starts a bulk batch through the web machine
    made = httpx.post(f"{web.url}/api/batches", json={"product_ids": products, "duration": 2, "music": "none"},
                      headers=auth, timeout=30)
    assert made.status_code == 201, made.text
    batch_url = f"{web.url}/api/batches/{made.json()['id']}"

    def finished() -> bool:
        assert all(w.process.poll() is None for w in workers), "a worker machine stopped"
        return httpx.get(batch_url, headers=auth, timeout=10).json()["progress"] == 100

    wait_until(finished, 120, "the batch", tmp_path / "worker-a.log")

    # Then every job is ready with exactly one video on its product
    batch = httpx.get(batch_url, headers=auth, timeout=10).json()
    assert {job["status"] for job in batch["jobs"]} == {"ready"}, batch["jobs"]
    for product in products:
        assert len(videos_on(shopify_emulator, product)) == 1
    # and each preview link is a pre-signed link to the object store, which serves the video
    for summary in batch["jobs"]:
        job = httpx.get(f"{web.url}/api/jobs/{summary['id']}", headers=auth, timeout=10).json()
        assert job["video_url"].startswith(f"{s3_server}/{s3_bucket}/"), job["video_url"]
        video = httpx.get(job["video_url"], timeout=10)
        assert video.status_code == 200 and video.content[4:8] == b"ftyp"
    # and both worker machines did part of the work; no machine kept a file on its own disk
    for worker, name in zip(workers, ("worker-a", "worker-b"), strict=True):
        assert "Processed" in worker.output(), f"{name} ran no job:\n{worker.output()[-2000:]}"
        assert files_under(tmp_path / name / "media") == [] and files_under(tmp_path / name / "work") == []
    assert files_under(tmp_path / "web") == []
