"""Settings from the environment, with zero-setup defaults (SQLite, ORM broker, local media).

Every variable is listed in `.env.example`. `DATABASE_URL` switches to PostgreSQL (psycopg 3) and
`REDIS_URL` switches the django-q2 broker to Redis.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from videos.render import choices as render_choices

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DJANGO_DEBUG", False)
# A development key is generated per checkout-free run only when DEBUG is on; production must set one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    "dev-insecure-key-only-for-local-runs" if DEBUG or os.environ.get("SHOWREEL_ENV", "dev") != "production" else ""
)
if not SECRET_KEY:
    raise RuntimeError("DJANGO_SECRET_KEY must be set in production")

# Fernet keys for secrets at rest, newest first (see shopify_app/crypto.py). The development key below is
# public and only used outside production.
_DEV_FERNET_KEY = "c2hvd3JlZWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWM="
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
    "timeout": int(os.environ.get("Q_TIMEOUT", "900")),
    # retry must exceed timeout so a healthy task is not delivered twice.
    "retry": int(os.environ.get("Q_RETRY", "960")),
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
}

# --- Video rendering -------------------------------------------------------------------------
VIDEO_BACKEND = os.environ.get("VIDEO_BACKEND", "local")
# Inputs above this many bytes are refused before any decoding (the seed's 500 MB limit).
VIDEO_MAX_INPUT_BYTES = int(os.environ.get("VIDEO_MAX_INPUT_BYTES", str(500 * 1024 * 1024)))
# Photos above this many pixels are refused as decompression bombs.
VIDEO_MAX_IMAGE_PIXELS = int(os.environ.get("VIDEO_MAX_IMAGE_PIXELS", str(80_000_000)))
VIDEO_X264_PRESET = os.environ.get("VIDEO_X264_PRESET", "veryfast")
VIDEO_X264_CRF = int(os.environ.get("VIDEO_X264_CRF", "20"))
# 0 = let x264 pick; a worker per core runs best with 1 (docs/run-locally.md, "Benchmark").
VIDEO_X264_THREADS = int(os.environ.get("VIDEO_X264_THREADS", "0"))
# How a render splits its work: compose_thread (default: a thread composes while the caller encodes), serial
# (one thread, one core per render) or encode_thread; see videos/render/pipeline.py.
VIDEO_RENDER_ARRANGEMENT = os.environ.get("VIDEO_RENDER_ARRANGEMENT", "compose_thread")
# FFmpeg's AAC coder: fast (default; a third of twoloop's CPU time, see README "Speed"), twoloop, anmr.
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

# --- Shopify edge (Shopify engineer: shopify_app/) ----------------------------------------------
# Every value comes from the environment; the development defaults below are public and are refused in
# production, where the real API key/secret must be set and the emulator/dev shortcuts are off.
_SHOPIFY_PRODUCTION = SHOWREEL_ENV == "production"
SHOPIFY_API_KEY = os.environ.get("SHOPIFY_API_KEY") or ("" if _SHOPIFY_PRODUCTION else "showreel-dev-api-key")
SHOPIFY_API_SECRET = os.environ.get("SHOPIFY_API_SECRET") or (
    "" if _SHOPIFY_PRODUCTION else "showreel-dev-api-secret-not-secret"
)
# Pinned here only: Shopify supports a version for 12 months; the schema in shopify_app/graphql/schema/ matches.
SHOPIFY_API_VERSION = "2026-07"
SHOPIFY_SCOPES = os.environ.get("SHOPIFY_SCOPES", "read_products,write_products,write_files")
SHOPIFY_APP_URL = os.environ.get("SHOPIFY_APP_URL", "http://127.0.0.1:8000").rstrip("/")
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
if _SHOPIFY_PRODUCTION:
    if not (SHOPIFY_API_KEY and SHOPIFY_API_SECRET):
        raise RuntimeError("SHOPIFY_API_KEY and SHOPIFY_API_SECRET must be set in production")
    if SHOPIFY_ADMIN_BASE or SHOPIFY_EMULATOR_ENABLED or SHOPIFY_DEV_SESSION:
        raise RuntimeError(
            "SHOPIFY_ADMIN_BASE, SHOPIFY_EMULATOR_ENABLED and SHOPIFY_DEV_SESSION are development-only "
            "and refused when SHOWREEL_ENV=production"
        )
# (Shopify edge) Mask session tokens, OAuth codes and access tokens in every log line the console handler writes.
LOGGING.setdefault("filters", {})["shopify_redact"] = {"()": "shopify_app.log_filters.RedactShopifySecrets"}
LOGGING["handlers"]["console"].setdefault("filters", []).append("shopify_redact")

# --- NemoVideo cloud backend (cloud-backend engineer: videos/backends/nemo/) ----------------------
# VIDEO_BACKEND=nemo renders in NemoVideo's cloud (shared/nemo/protocol.md). Without NEMO_TOKEN an
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

# --- Embedded admin UI (UI engineer: templates/app/, static/showreel/) ---------------------------------
# The UI's CSS/JS and template stills live in static/showreel/ (no build step). WhiteNoise serves them in
# every mode (runserver only serves static files with DEBUG on): straight from the source folders, edits
# picked up at once, outside production; from STATIC_ROOT (`manage.py collectstatic`) in production.
STATICFILES_DIRS = [BASE_DIR / "static"]
MIDDLEWARE.insert(MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
                  "whitenoise.middleware.WhiteNoiseMiddleware")
WHITENOISE_USE_FINDERS = WHITENOISE_AUTOREFRESH = SHOWREEL_ENV != "production"

# --- Video jobs (jobs engineer: videos/jobs/, videos/api/) ------------------------------------------
import json as _json  # noqa: E402

# Another queue (Redis list / ORM broker key) for this deployment or test run: django-q2 reads Q_CLUSTER_NAME
# itself; naming it here as the cluster_name keeps "name" (the signing salt) the same for web and workers.
if os.environ.get("Q_CLUSTER_NAME"):
    Q_CLUSTER["cluster_name"] = os.environ["Q_CLUSTER_NAME"]
# Downloaded inputs and local renders of running jobs (removed when a job ends).
SHOWREEL_WORK_DIR = Path(os.environ.get("SHOWREEL_WORK_DIR", VAR_DIR / "jobs"))
# Jobs of one shop that run at once; the rest wait in line (bulk batches are processed at this pace).
SHOWREEL_JOBS_PER_SHOP = int(os.environ.get("SHOWREEL_JOBS_PER_SHOP", "2"))
# Shopify: an app may create at most 1,000 videos per store per week (rolling 7 days here).
SHOWREEL_WEEKLY_VIDEO_LIMIT = int(os.environ.get("SHOWREEL_WEEKLY_VIDEO_LIMIT", "1000"))
# A worker's claim on a job, renewed while it makes progress. Must exceed the longest stretch without a
# heartbeat (one download, compose); a killed worker's job is picked up again this long after it died.
SHOWREEL_JOB_LEASE_S = float(os.environ.get("SHOWREEL_JOB_LEASE_S", "180"))
SHOWREEL_JOB_HEARTBEAT_S = float(os.environ.get("SHOWREEL_JOB_HEARTBEAT_S", "10"))
# A job whose worker died this many times is failed (django-q2's max_attempts, for the same reason).
SHOWREEL_JOB_MAX_ATTEMPTS = int(os.environ.get("SHOWREEL_JOB_MAX_ATTEMPTS", str(Q_CLUSTER["max_attempts"])))
# Tries per stage when the failure may pass (Shopify 5xx after the client's own retries, a CDN timeout).
SHOWREEL_STAGE_RETRIES = int(os.environ.get("SHOWREEL_STAGE_RETRIES", "2"))
SHOWREEL_RETRY_BACKOFF_S = float(os.environ.get("SHOWREEL_RETRY_BACKOFF_S", "2"))
# Polling Shopify for the new media's status, and how long to wait for READY.
SHOWREEL_MEDIA_POLL_S = float(os.environ.get("SHOWREEL_MEDIA_POLL_S", "2"))
SHOWREEL_MEDIA_TIMEOUT_S = float(os.environ.get("SHOWREEL_MEDIA_TIMEOUT_S", "600"))
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
SHOWREEL_LOGO_MAX_BYTES = int(os.environ.get("SHOWREEL_LOGO_MAX_BYTES", str(2 * 1024 * 1024)))
# Links to rendered videos/posters/logos (local storage) are signed and expire after this long.
SHOWREEL_FILE_URL_MAX_AGE_S = int(os.environ.get("SHOWREEL_FILE_URL_MAX_AGE_S", "3600"))
# Files in S3-compatible storage when a bucket is named (needs `pip install "django-storages[s3]"`;
# AWS_* / AWS_S3_ENDPOINT_URL are read by django-storages). Default: MEDIA_ROOT on this machine.
if os.environ.get("SHOWREEL_S3_BUCKET"):
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"bucket_name": os.environ["SHOWREEL_S3_BUCKET"], "querystring_auth": True,
                        "querystring_expire": SHOWREEL_FILE_URL_MAX_AGE_S, "file_overwrite": True},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
if SHOWREEL_ENV == "production" and SHOWREEL_EXTRA_MEDIA_ORIGINS:
    raise RuntimeError("SHOWREEL_EXTRA_MEDIA_ORIGINS is development-only and refused when SHOWREEL_ENV=production")
