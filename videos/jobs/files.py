"""Where a job's files live: its work folder (downloaded inputs, the local render; removed when the job
ends) and Django storage (the MP4, the poster and the shop's logo; local MEDIA_ROOT by default, S3-compatible
when SHOWREEL_S3_BUCKET is set). Links to stored files are signed and expire (SHOWREEL_FILE_URL_MAX_AGE_S).

The name a job's video is uploaded to Shopify under, `showreel-<job uuid>.mp4`, is how this app's videos
on a product are told from the merchant's, and how a re-run finds media an interrupted attach created."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.urls import reverse

FILE_URL_SALT = "videos.jobs.files"
UPLOAD_PREFIX = "showreel-"
UPLOAD_NAME = re.compile(r"^showreel-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.mp4$")


def upload_name(job: Any) -> str:
    return f"{UPLOAD_PREFIX}{job.pk}.mp4"


def uploaded_job_id(filename: str) -> str | None:
    """The job a video on a product came from, by its file name (None: not one of this app's)."""
    match = UPLOAD_NAME.match(filename or "")
    return match.group(1) if match else None


def work_dir(job_id: Any) -> Path:
    return Path(settings.SHOWREEL_WORK_DIR) / str(job_id)


def remove_work_dir(job_id: Any) -> None:
    shutil.rmtree(work_dir(job_id), ignore_errors=True)


def job_file_name(job: Any, filename: str) -> str:
    return f"showreel/{job.shop_id}/{job.pk}/{filename}"


def store(local: Path, name: str) -> str:
    """Copy a local file into storage under `name` (replacing what a crashed earlier run left there)."""
    if default_storage.exists(name):
        default_storage.delete(name)
    with local.open("rb") as handle:
        return default_storage.save(name, File(handle, name=Path(name).name))


def exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def local_copy(name: str, target: Path) -> Path:
    """A path on this machine holding the stored file: the storage's own file when it has one, else a
    copy at `target`."""
    try:
        return Path(default_storage.path(name))
    except NotImplementedError:  # remote storage (S3): fetch a copy
        target.parent.mkdir(parents=True, exist_ok=True)
        with default_storage.open(name, "rb") as source, target.open("wb") as out:
            shutil.copyfileobj(source, out)
        return target


def delete(*names: str) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def delete_prefix(prefix: str) -> None:
    """Every stored file under `prefix/` (a shop's or a job's folder)."""
    if isinstance(default_storage, FileSystemStorage):
        shutil.rmtree(Path(default_storage.location) / prefix, ignore_errors=True)
        return
    directories, names = default_storage.listdir(prefix)
    for name in names:
        default_storage.delete(f"{prefix}/{name}")
    for directory in directories:
        delete_prefix(f"{prefix}/{directory}")


def url(name: str, request: Any = None) -> str | None:
    """A link the embedded UI can put in <video>/<img> (no Authorization header there): signed by this
    app for local files, the storage's own pre-signed URL for S3."""
    if not name:
        return None
    if not isinstance(default_storage, FileSystemStorage):
        return default_storage.url(name)
    token = signing.dumps(name, salt=FILE_URL_SALT, compress=True)
    path = reverse("videos-api-file", kwargs={"token": token})
    return request.build_absolute_uri(path) if request is not None else path


def name_from_token(token: str) -> str | None:
    try:
        return signing.loads(token, salt=FILE_URL_SALT, max_age=settings.SHOWREEL_FILE_URL_MAX_AGE_S)
    except signing.BadSignature:
        return None
