"""Settings from the environment, with zero-setup defaults (SQLite, ORM broker, local media).

Every variable is listed in `.env.example`. `DATABASE_URL` switches to PostgreSQL (psycopg 3) and
`REDIS_URL` switches the django-q2 broker to Redis.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

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

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]

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
# 0 = let x264 pick; a worker per core runs best with 1 (see README, "Throughput").
VIDEO_X264_THREADS = int(os.environ.get("VIDEO_X264_THREADS", "0"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
