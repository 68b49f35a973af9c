"""Settings from the environment, with zero-setup defaults (SQLite, ORM broker, local media).

Every variable is listed in `.env.example`; a `.env` file (or SHOWREEL_ENV_FILE) fills in what the
environment does not set. `DATABASE_URL` switches to PostgreSQL (psycopg 3) and `REDIS_URL` switches the
django-q2 broker to Redis. With SHOWREEL_ENV=production the secrets must be set and strong (start-up stops
with one line per problem) and the HTTPS settings are on; see docs/deploy.md.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from shopify_app import startup
from videos.render import choices as render_choices

BASE_DIR = Path(__file__).resolve().parent.parent

startup.load_env_file(BASE_DIR / ".env")


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
# Outside production a public development key is used when none is set; production refuses it (below).
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    startup.DEV_SECRET_KEY if os.environ.get("SHOWREEL_ENV", "dev") != "production" else ""
)

# Fernet keys for secrets at rest, newest first (see shopify_app/crypto.py). The development key below is
# public and only used outside production.
_DEV_FERNET_KEY = startup.DEV_FERNET_KEY
FIELD_ENCRYPTION_KEYS = [k for k in os.environ.get("FIELD_ENCRYPTION_KEYS", "").split(",") if k] or (
    [_DEV_FERNET_KEY] if os.environ.get("SHOWREEL_ENV", "dev") != "production" else []
)

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]

SHOWREEL_ENV = os.environ.get("SHOWREEL_ENV", "dev")

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_q",
    "shopify_app",
    "videos",
]
if SHOWREEL_ENV != "production":
    # The stand-ins' management commands (shopify_emulator, nemo_fake, bench_pipeline); never in production.
    INSTALLED_APPS.append("devtools")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Every error under /api/ in the API's JSON shape (also Django's own 400/404/413 pages).
    "videos.api.middleware.APIErrorMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]

ROOT_URLCONF = "shopify_app.urls"
WSGI_APPLICATION = "shopify_app.wsgi.application"
ASGI_APPLICATION = "shopify_app.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
            ],
        },
    },
]

VAR_DIR = Path(os.environ.get("SHOWREEL_VAR_DIR", BASE_DIR / "var"))

# SQLite by default; DATABASE_URL=postgres://postgres@127.0.0.1:5432/showreel switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'showreel.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A fresh clone has no var/ yet, and SQLite will not create the folder its file lives in.
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL + IMMEDIATE transactions so the ORM broker and the web process don't trip over each other.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

# django-q2: the ORM broker needs nothing; REDIS_URL switches to Redis.
REDIS_URL = os.environ.get("REDIS_URL", "")
Q_CLUSTER: dict = {
    "name": "showreel",
    "workers": int(os.environ.get("Q_WORKERS", "2")),
    # "timeout" and "retry" are set below, from the slowest job the NemoVideo backend can make.
    "max_attempts": int(os.environ.get("Q_MAX_ATTEMPTS", "3")),
    "catch_up": False,
    "save_limit": 500,
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Showreel API",
    "VERSION": "0.1.0",
    # One name for each choice set the API uses in more than one field (a job's and the shop's defaults).
    "ENUM_NAME_OVERRIDES": {
        "TemplateEnum": "videos.composer.templates.TEMPLATES",
        "AspectEnum": "videos.spec.ASPECTS",
        "JobStatusEnum": "videos.jobs.models.JobStatus",
        "LookSetStatusEnum": "videos.looks.models.LookSet.Status",
    },
}

# --- Video rendering -------------------------------------------------------------------------
VIDEO_BACKEND = os.environ.get("VIDEO_BACKEND", "local")
# Inputs above this many bytes are refused before any decoding.
VIDEO_MAX_INPUT_BYTES = int(os.environ.get("VIDEO_MAX_INPUT_BYTES", str(500 * 1024 * 1024)))
# Photos above this many pixels are refused as decompression bombs.
VIDEO_MAX_IMAGE_PIXELS = int(os.environ.get("VIDEO_MAX_IMAGE_PIXELS", str(80_000_000)))
VIDEO_X264_PRESET = os.environ.get("VIDEO_X264_PRESET", "veryfast")
VIDEO_X264_CRF = int(os.environ.get("VIDEO_X264_CRF", "20"))
# 0 = let x264 pick. A worker keeps its render to one core (one x264 thread, `serial`) while every core has a
# job that keeps it busy, and uses these settings otherwise, so the last render of a batch uses the cores others
# leave idle (SHOWREEL_WORKER_CORES; docs/run-locally.md, "Benchmark").
VIDEO_X264_THREADS = int(os.environ.get("VIDEO_X264_THREADS", "0"))
# How a render splits its work: compose_thread (default: a thread composes while the caller encodes), serial
# (one thread, one core per render) or encode_thread; see videos/render/pipeline.py.
VIDEO_RENDER_ARRANGEMENT = os.environ.get("VIDEO_RENDER_ARRANGEMENT", "compose_thread")
# FFmpeg's AAC coder: fast (default; far cheaper than twoloop, see README "Speed"), twoloop, anmr.
VIDEO_AAC_CODER = os.environ.get("VIDEO_AAC_CODER", "fast")
# Refused here rather than in a worker's first render.
if VIDEO_RENDER_ARRANGEMENT not in render_choices.ARRANGEMENTS:
    raise RuntimeError(f"VIDEO_RENDER_ARRANGEMENT={VIDEO_RENDER_ARRANGEMENT!r}: use one of {', '.join(render_choices.ARRANGEMENTS)}")
if VIDEO_AAC_CODER not in render_choices.AAC_CODERS:
    raise RuntimeError(f"VIDEO_AAC_CODER={VIDEO_AAC_CODER!r}: use one of {', '.join(render_choices.AAC_CODERS)}")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# --- Shopify edge (shopify_app/) ----------------------------------------------
# Every value comes from the environment; the development defaults below are public and are refused in
# production, where the real API key/secret must be set and the emulator/dev shortcuts are off.
_SHOPIFY_PRODUCTION = SHOWREEL_ENV == "production"
# The app's handle (shopify.app.toml `handle`): the plan page's address names it.
SHOPIFY_APP_HANDLE = os.environ.get("SHOPIFY_APP_HANDLE", "showreel")
SHOPIFY_API_KEY = os.environ.get("SHOPIFY_API_KEY") or ("" if _SHOPIFY_PRODUCTION else "showreel-dev-api-key")
SHOPIFY_API_SECRET = os.environ.get("SHOPIFY_API_SECRET") or (
    "" if _SHOPIFY_PRODUCTION else "showreel-dev-api-secret-not-secret"
)
# Pinned here only: Shopify supports a version for 12 months; the schema in shopify_app/graphql/schema/ matches.
SHOPIFY_API_VERSION = "2026-07"
SHOPIFY_SCOPES = os.environ.get("SHOPIFY_SCOPES", "read_products,write_products,write_files")
SHOPIFY_APP_URL = os.environ.get("SHOPIFY_APP_URL", "http://127.0.0.1:8000").rstrip("/")
# The app's own public host is always allowed (the Shopify CLI's tunnel in `shopify app dev`, the deployment).
if (_app_host := urlsplit(SHOPIFY_APP_URL).hostname) and _app_host not in ALLOWED_HOSTS and ":" not in _app_host:
    ALLOWED_HOSTS.append(_app_host)
# None: talk to https://{shop}. Set (dev/tests only) to the emulator's base URL, e.g. http://127.0.0.1:8765.
SHOPIFY_ADMIN_BASE = (os.environ.get("SHOPIFY_ADMIN_BASE") or "").rstrip("/") or None
SHOPIFY_EMULATOR_ENABLED = env_bool("SHOPIFY_EMULATOR_ENABLED", not _SHOPIFY_PRODUCTION)
# Lets the emulator hand out session tokens so embedded pages work without App Bridge (dev only).
SHOPIFY_DEV_SESSION = env_bool("SHOPIFY_DEV_SESSION", False)
# Ask for expiring offline tokens (with a refresh token) in the token exchange; refresh this long before expiry.
SHOPIFY_EXPIRING_OFFLINE_TOKENS = env_bool("SHOPIFY_EXPIRING_OFFLINE_TOKENS", True)
SHOPIFY_TOKEN_REFRESH_MARGIN_S = int(os.environ.get("SHOPIFY_TOKEN_REFRESH_MARGIN_S", "300"))
# Query-HMAC timestamps older than this are refused (shopify_python_api uses one day).
SHOPIFY_HMAC_MAX_AGE_S = int(os.environ.get("SHOPIFY_HMAC_MAX_AGE_S", "86400"))
SHOPIFY_OAUTH_STATE_MAX_AGE_S = int(os.environ.get("SHOPIFY_OAUTH_STATE_MAX_AGE_S", "600"))
SHOPIFY_HTTP_TIMEOUT_S = float(os.environ.get("SHOPIFY_HTTP_TIMEOUT_S", "30"))
# In production, missing credentials and the development-only switches above stop start-up (the end of
# this file, shopify_app/startup.py).
# (Shopify edge) Mask session tokens, OAuth codes and access tokens in every log line the console handler writes.
LOGGING.setdefault("filters", {})["shopify_redact"] = {"()": "shopify_app.log_filters.RedactShopifySecrets"}
LOGGING["handlers"]["console"].setdefault("filters", []).append("shopify_redact")

# --- NemoVideo cloud backend (videos/backends/nemo/) ----------------------
# VIDEO_BACKEND=nemo renders in NemoVideo's cloud (docs/nemo-protocol.md). Without NEMO_TOKEN an
# anonymous token is issued to this installation's client id (kept in the DB, or NEMO_CLIENT_ID).
NEMO_API_URL = os.environ.get("NEMO_API_URL", "https://mega-api-prod.nemovideo.ai").rstrip("/")
NEMO_WEB_URL = os.environ.get("NEMO_WEB_URL", "https://nemovideo.com").rstrip("/")
NEMO_TOKEN = os.environ.get("NEMO_TOKEN", "")
NEMO_CLIENT_ID = os.environ.get("NEMO_CLIENT_ID", "")
NEMO_SKILL_PLATFORM = os.environ.get("NEMO_SKILL_PLATFORM", "unknown")
NEMO_POLL_INTERVAL_S = float(os.environ.get("NEMO_POLL_INTERVAL_S", "30"))
NEMO_SSE_TIMEOUT_S = float(os.environ.get("NEMO_SSE_TIMEOUT_S", "900"))
NEMO_RATE_LIMIT_WAIT_S = float(os.environ.get("NEMO_RATE_LIMIT_WAIT_S", "30"))
NEMO_RENDER_TIMEOUT_S = float(os.environ.get("NEMO_RENDER_TIMEOUT_S", "600"))
# Hosts the rendered video may be downloaded from besides NEMO_API_URL's own origin (always allowed), over
# HTTPS: exact names, or ".example.com" for its subdomains. Redirects elsewhere are refused.
NEMO_DOWNLOAD_HOSTS = [h.strip() for h in os.environ.get("NEMO_DOWNLOAD_HOSTS", "").split(",") if h.strip()]

# --- Embedded admin UI (templates/app/, static/showreel/) ---------------------------------
# The UI's CSS/JS and template stills live in static/showreel/ (no build step). WhiteNoise serves them in
# every mode (runserver only serves static files with DEBUG on): straight from the source folders, edits
# picked up at once, outside production; from STATIC_ROOT (`manage.py collectstatic`) in production.
STATICFILES_DIRS = [BASE_DIR / "static"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = SHOWREEL_ENV != "production"

# --- Video jobs (videos/jobs/, videos/api/) ------------------------------------------
import json as _json  # noqa: E402

# Another queue (Redis list / ORM broker key) for this deployment or test run: django-q2 reads Q_CLUSTER_NAME
# itself; naming it here as the cluster_name keeps "name" (the signing salt) the same for web and workers.
if os.environ.get("Q_CLUSTER_NAME"):
    Q_CLUSTER["cluster_name"] = os.environ["Q_CLUSTER_NAME"]
# Downloaded inputs and local renders of running jobs (removed when a job ends).
SHOWREEL_WORK_DIR = Path(os.environ.get("SHOWREEL_WORK_DIR", VAR_DIR / "jobs"))
# Jobs of one shop that run at once; the rest wait in line (bulk batches are processed at this pace).
SHOWREEL_JOBS_PER_SHOP = int(os.environ.get("SHOWREEL_JOBS_PER_SHOP", "2"))
# "auto": a worker renders on one core while every core of its machine has a job and either more wait or the
# other jobs have most of their render ahead (videos/jobs/make.py, render_cores), with VIDEO_X264_THREADS and
# VIDEO_RENDER_ARRANGEMENT otherwise; "configured": always with those settings.
SHOWREEL_WORKER_CORES = os.environ.get("SHOWREEL_WORKER_CORES", "auto")
if SHOWREEL_WORKER_CORES not in ("auto", "configured"):
    raise RuntimeError(f"SHOWREEL_WORKER_CORES={SHOWREEL_WORKER_CORES!r}: use auto or configured")
# Shopify: an app may create at most 1,000 videos per store per week (rolling 7 days here).
SHOWREEL_WEEKLY_VIDEO_LIMIT = int(os.environ.get("SHOWREEL_WEEKLY_VIDEO_LIMIT", "1000"))
# A worker's claim on a job (lease), renewed every LEASE_RENEW_S by a thread beside the job whatever it is
# doing. A job whose worker process died is re-queued by a worker on the same machine once its lease has not
# been renewed for two renewal intervals (django-q2 restarts a killed worker at once), or by the sweep once
# the lease runs out (a whole machine gone). The lease must outlast a few missed renewals (a database blip).
SHOWREEL_JOB_LEASE_S = float(os.environ.get("SHOWREEL_JOB_LEASE_S", "30"))
SHOWREEL_JOB_LEASE_RENEW_S = float(os.environ.get("SHOWREEL_JOB_LEASE_RENEW_S", "5"))
# How often a running job writes its progress.
SHOWREEL_JOB_HEARTBEAT_S = float(os.environ.get("SHOWREEL_JOB_HEARTBEAT_S", "10"))
# A job whose worker died this many times is failed (django-q2's max_attempts, for the same reason).
SHOWREEL_JOB_MAX_ATTEMPTS = int(os.environ.get("SHOWREEL_JOB_MAX_ATTEMPTS", str(Q_CLUSTER["max_attempts"])))
# Tries per stage when the failure may pass (Shopify 5xx after the client's own retries, a CDN timeout).
SHOWREEL_STAGE_RETRIES = int(os.environ.get("SHOWREEL_STAGE_RETRIES", "2"))
SHOWREEL_RETRY_BACKOFF_S = float(os.environ.get("SHOWREEL_RETRY_BACKOFF_S", "2"))
# Polling Shopify for the new media's status, and how long to wait for READY.
SHOWREEL_MEDIA_POLL_S = float(os.environ.get("SHOWREEL_MEDIA_POLL_S", "2"))
SHOWREEL_MEDIA_TIMEOUT_S = float(os.environ.get("SHOWREEL_MEDIA_TIMEOUT_S", "600"))
# How long a worker polls a new video before it leaves the wait to a watcher and takes the next job (0: one
# look; Shopify takes seconds to process a video, which a worker would spend idle).
SHOWREEL_MEDIA_INLINE_WAIT_S = float(os.environ.get("SHOWREEL_MEDIA_INLINE_WAIT_S", "0"))
# An attach (productUpdate) whose answer was lost may still land this long after it was sent: a retry looks
# for the job's media until then before attaching again. Longer than any request Shopify still applies late.
SHOWREEL_ATTACH_SETTLE_S = float(os.environ.get("SHOWREEL_ATTACH_SETTLE_S", "120"))
# Product media downloads: only from Shopify's CDN (exact hosts, or ".suffix" for subdomains), capped.
SHOWREEL_MEDIA_HOSTS = [h for h in os.environ.get(
    "SHOWREEL_MEDIA_HOSTS", "cdn.shopify.com,.shopifycdn.com,.shopifycdn.net").split(",") if h]
# Dev/tests only: more allowed origins (e.g. http://127.0.0.1:9000); refused in production.
SHOWREEL_EXTRA_MEDIA_ORIGINS = [o.rstrip("/") for o in os.environ.get("SHOWREEL_EXTRA_MEDIA_ORIGINS", "").split(",") if o]
SHOWREEL_MAX_IMAGE_BYTES = int(os.environ.get("SHOWREEL_MAX_IMAGE_BYTES", str(25 * 1024 * 1024)))
SHOWREEL_MAX_CLIP_BYTES = int(os.environ.get("SHOWREEL_MAX_CLIP_BYTES", str(VIDEO_MAX_INPUT_BYTES)))
SHOWREEL_DOWNLOAD_TIMEOUT_S = float(os.environ.get("SHOWREEL_DOWNLOAD_TIMEOUT_S", "60"))
# Render smaller than the composer's canvas (longest side in px, 0 = full size) and at another frame rate
# (0 = the composer's): for tests and quick local trials only.
SHOWREEL_RENDER_MAX_SIDE = int(os.environ.get("SHOWREEL_RENDER_MAX_SIDE", "0"))
SHOWREEL_RENDER_FPS = int(os.environ.get("SHOWREEL_RENDER_FPS", "0"))
# Monthly video credits per plan (plan names as sold through Shopify App Pricing, lower-cased).
SHOWREEL_PLANS = _json.loads(os.environ.get("SHOWREEL_PLANS", '{"free": 10, "starter": 100, "growth": 500, "pro": 2000}'))
SHOWREEL_DEFAULT_PLAN = os.environ.get("SHOWREEL_DEFAULT_PLAN", "free")
SHOWREEL_PLAN_REFRESH_S = int(os.environ.get("SHOWREEL_PLAN_REFRESH_S", "3600"))
SHOWREEL_BATCH_MAX = int(os.environ.get("SHOWREEL_BATCH_MAX", "1000"))
# "Compare looks" preview sets a shop may ask for in 24 hours (they cost no credit, only render time).
SHOWREEL_LOOKS_PER_DAY = int(os.environ.get("SHOWREEL_LOOKS_PER_DAY", "10"))
# Keep videos up to date: a product's video is remade once its edits have been quiet this long (the sweep that
# starts remakes runs every minute, so the start may come up to a minute or so later).
SHOWREEL_KEEP_CURRENT_QUIET_S = float(os.environ.get("SHOWREEL_KEEP_CURRENT_QUIET_S", "120"))
SHOWREEL_LOGO_MAX_BYTES = int(os.environ.get("SHOWREEL_LOGO_MAX_BYTES", str(2 * 1024 * 1024)))
# Links to rendered videos/posters/logos (local storage) are signed and expire after this long.
SHOWREEL_FILE_URL_MAX_AGE_S = int(os.environ.get("SHOWREEL_FILE_URL_MAX_AGE_S", "3600"))
# Rendered videos, posters and logos: MEDIA_ROOT on this machine by default; with SHOWREEL_S3_BUCKET in
# S3-compatible object storage (django-storages), which every web and worker machine shares. Credentials:
# AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (read by boto3); links are pre-signed and expire like local ones.
SHOWREEL_S3_BUCKET = os.environ.get("SHOWREEL_S3_BUCKET", "")
if SHOWREEL_S3_BUCKET:
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": SHOWREEL_S3_BUCKET,
                # Empty: AWS itself; else MinIO, Cloudflare R2, DigitalOcean Spaces, ... (https://host:port).
                "endpoint_url": os.environ.get("SHOWREEL_S3_ENDPOINT_URL") or None,
                "region_name": os.environ.get("SHOWREEL_S3_REGION") or None,
                "addressing_style": os.environ.get("SHOWREEL_S3_ADDRESSING_STYLE") or None,  # path | virtual
                "signature_version": "s3v4",
                "querystring_auth": True,
                "querystring_expire": SHOWREEL_FILE_URL_MAX_AGE_S,
                "file_overwrite": True,
                "default_acl": None,
            },
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
# Rendered files (video, poster) of a finished job are removed this many days after it ended by the daily
# retention task; the video now on a product is kept until it is replaced or the shop is redacted.
SHOWREEL_RETENTION_DAYS = int(os.environ.get("SHOWREEL_RETENTION_DAYS", "30"))
# /readyz fails when no worker has run the every-minute jobs sweep for this long (0: not checked).
SHOWREEL_WORKER_HEARTBEAT_MAX_AGE_S = int(os.environ.get("SHOWREEL_WORKER_HEARTBEAT_MAX_AGE_S", "300"))

# --- Worker timeouts against the slowest job ----------------------------------------------------------------
# A job runs in one django-q2 task: photo downloads, the render (NemoVideo at worst: the chat stream's ceiling,
# then the export's), the upload, and the wait for Shopify to process the video. The task's timeout covers
# that whole worst case, and the broker's retry (re-delivery of an unacknowledged task) comes after it, so a
# slow but healthy job is never killed or delivered twice. The job's own lease is renewed by a thread while
# it runs (videos/jobs/lease.py), so it does not depend on these.
SHOWREEL_JOB_WORST_CASE_S = int(NEMO_SSE_TIMEOUT_S + NEMO_RENDER_TIMEOUT_S + SHOWREEL_MEDIA_TIMEOUT_S
                                + 3 * SHOWREEL_DOWNLOAD_TIMEOUT_S)
Q_CLUSTER["timeout"] = int(os.environ.get("Q_TIMEOUT") or SHOWREEL_JOB_WORST_CASE_S + 120)
Q_CLUSTER["retry"] = int(os.environ.get("Q_RETRY") or Q_CLUSTER["timeout"] + 60)
if Q_CLUSTER["timeout"] < SHOWREEL_JOB_WORST_CASE_S:
    raise RuntimeError(f"Q_TIMEOUT={Q_CLUSTER['timeout']} is shorter than the slowest job can take "
                       f"({SHOWREEL_JOB_WORST_CASE_S} s: NEMO_SSE_TIMEOUT_S + NEMO_RENDER_TIMEOUT_S + "
                       "SHOWREEL_MEDIA_TIMEOUT_S + 3 x SHOWREEL_DOWNLOAD_TIMEOUT_S); raise it or lower those")
if Q_CLUSTER["retry"] <= Q_CLUSTER["timeout"]:
    raise RuntimeError(f"Q_RETRY={Q_CLUSTER['retry']} must exceed Q_TIMEOUT={Q_CLUSTER['timeout']}, or a running "
                       "task is delivered a second time")

# --- Production: HTTPS behind a TLS-terminating proxy, logs, error tracking (docs/deploy.md) ----------------
if SHOWREEL_ENV == "production":
    # The proxy (Heroku, Fly, a load balancer) terminates TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Health probes often come over plain HTTP from inside the platform.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    # The preload directive only makes the domain eligible; submitting it to hstspreload.org is a separate step.
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = [SHOPIFY_APP_URL] if SHOPIFY_APP_URL.startswith("https://") else []
# DENY for everything but the embedded pages, which send their own frame-ancestors CSP (shopify_app/embedded.py).
MIDDLEWARE.append("django.middleware.clickjacking.XFrameOptionsMiddleware")
X_FRAME_OPTIONS = "DENY"

# One line per event; LOG_FORMAT=json for one JSON object per line. runserver's request lines
# (django.server) go through the same handler, so the redaction filter above masks their secrets too;
# gunicorn's access log gets it from gunicorn.conf.py.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain")
if LOG_FORMAT == "json":
    LOGGING["formatters"]["json"] = {"()": "pythonjsonlogger.json.JsonFormatter",
                                     "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                                     "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}
    LOGGING["handlers"]["console"]["formatter"] = "json"
elif LOG_FORMAT != "plain":
    raise RuntimeError(f"LOG_FORMAT={LOG_FORMAT!r}: use plain or json")
LOGGING.setdefault("loggers", {})["django.server"] = {"handlers": ["console"], "level": "INFO", "propagate": False}

# Errors to Sentry (or any Sentry-compatible tracker) when SENTRY_DSN is set: `pip install "sentry-sdk>=2"`
# (the `sentry` extra). Django requests through its integration; failed django-q2 tasks reach it as the
# ERROR lines django-q2 logs for them (Sentry's logging integration).
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk  # noqa: E402
    from sentry_sdk.integrations.django import DjangoIntegration  # noqa: E402

    sentry_sdk.init(dsn=SENTRY_DSN, environment=SHOWREEL_ENV, integrations=[DjangoIntegration()],
                    traces_sample_rate=float(os.environ.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
                    send_default_pii=False)

if SHOWREEL_ENV == "production":
    startup.refuse_to_start(startup.production_problems(globals()))
