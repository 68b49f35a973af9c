"""Start-up: the `.env` file, and what production refuses to start with. Read by settings.py (and
gunicorn.conf.py) before Django is set up, so no Django imports.

Each problem is one line on stderr and the process exits; a web or worker process that booted without its
secrets would only fail at the first token save or the first signed link.
"""

from __future__ import annotations

import base64
import binascii
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from dotenv import dotenv_values

# Public development values: used outside production only, refused in production.
DEV_SECRET_KEY = "dev-insecure-key-only-for-local-runs"
DEV_FERNET_KEY = "c2hvd3JlZWwtZGV2ZWxvcG1lbnQta2V5LW5vdC1zZWM="

GENERATE_SECRET_KEY = "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
GENERATE_FERNET_KEY = "python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
DEV_ONLY = ("SHOPIFY_ADMIN_BASE", "SHOPIFY_EMULATOR_ENABLED", "SHOPIFY_DEV_SESSION", "SHOWREEL_EXTRA_MEDIA_ORIGINS")


def load_env_file(default: Path) -> None:
    """Fill in variables the environment lacks from `.env` (or the file SHOWREEL_ENV_FILE names). An empty
    value there counts as unset: .env.example lists every variable, most of them empty."""
    for name, value in dotenv_values(os.environ.get("SHOWREEL_ENV_FILE") or default).items():
        if value:
            os.environ.setdefault(name, value)


def weak_secret_key(key: str) -> bool:
    """Django's own test for a weak key (the check framework's security.W009), plus the development key."""
    return (key == DEV_SECRET_KEY or key.startswith("django-insecure-") or len(key) < 50
            or len(set(key)) < 5)


def fernet_key_ok(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except (binascii.Error, ValueError):
        return False


def production_problems(values: Mapping[str, Any]) -> list[str]:
    """One line per setting that production cannot run with; `values` are the settings module's globals."""
    problems: list[str] = []
    key = values.get("SECRET_KEY") or ""
    if not key:
        problems.append(f"DJANGO_SECRET_KEY must be set in production (generate one: {GENERATE_SECRET_KEY})")
    elif weak_secret_key(key):
        problems.append("DJANGO_SECRET_KEY is too weak: use 50 or more random characters "
                        f"(generate one: {GENERATE_SECRET_KEY})")
    for name in ("SHOPIFY_API_KEY", "SHOPIFY_API_SECRET"):
        if not values.get(name):
            problems.append(f"{name} must be set in production (the app's client credentials in the Partner Dashboard)")
    keys = values.get("FIELD_ENCRYPTION_KEYS") or []
    if not keys:
        problems.append(f"FIELD_ENCRYPTION_KEYS must be set in production (generate one: {GENERATE_FERNET_KEY})")
    for position, fernet_key in enumerate(keys, start=1):
        if fernet_key == DEV_FERNET_KEY:
            problems.append(f"FIELD_ENCRYPTION_KEYS: key {position} is the public development key; generate your own")
        elif not fernet_key_ok(fernet_key):
            problems.append(f"FIELD_ENCRYPTION_KEYS: key {position} is not a Fernet key (32 url-safe base64 bytes)")
    for name in DEV_ONLY:
        if values.get(name):
            problems.append(f"{name} is development-only and refused when SHOWREEL_ENV=production")
    return problems


def refuse_to_start(problems: list[str]) -> None:
    if problems:
        _exit(problems)


def _exit(problems: list[str]) -> NoReturn:
    for problem in problems:
        sys.stderr.write(f"showreel: refusing to start: {problem}\n")
    sys.stderr.flush()
    raise SystemExit(1)
