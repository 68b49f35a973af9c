"""Settings and commands that must refuse development shortcuts in production."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys

import httpx
import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.core.management import CommandError, call_command

PROD_ENV = {"SHOWREEL_ENV": "production", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
            "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SHOPIFY_API_KEY": "key", "SHOPIFY_API_SECRET": "secret", "SHOPIFY_EMULATOR_ENABLED": "0"}


def load_settings(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "SHOWREEL_"))}
    return subprocess.run([sys.executable, "-c", "import shopify_app.settings as s; print(s.SHOPIFY_ADMIN_BASE)"],
                          env=clean | env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)


def test_production_settings_load_with_real_credentials():
    result = load_settings(**PROD_ENV)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "None"


@pytest.mark.parametrize(
    ("change", "message"),
    [({"SHOPIFY_DEV_SESSION": "1"}, "refused when SHOWREEL_ENV=production"),
     ({"SHOPIFY_ADMIN_BASE": "http://127.0.0.1:8765"}, "refused when SHOWREEL_ENV=production"),
     ({"SHOPIFY_EMULATOR_ENABLED": "1"}, "refused when SHOWREEL_ENV=production"),
     ({"SHOPIFY_API_SECRET": ""}, "SHOPIFY_API_SECRET must be set")],
)
def test_production_refuses_dev_shortcuts_and_missing_secrets(change, message):
    result = load_settings(**(PROD_ENV | change))
    assert result.returncode != 0 and message in result.stderr


@pytest.mark.parametrize(("name", "value"), [("VIDEO_RENDER_ARRANGEMENT", "parallel"), ("VIDEO_AAC_CODER", "best")])
def test_an_unknown_render_setting_stops_the_process_at_start(name, value):
    result = load_settings(**{name: value})
    assert result.returncode != 0 and f"{name}={value!r}" in result.stderr


def test_emulator_command_refuses_production(settings):
    settings.SHOWREEL_ENV = "production"
    with pytest.raises(CommandError, match="development tool"):
        call_command("shopify_emulator", "--port", "0")


def test_emulator_command_serves_until_stopped():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "SHOWREEL_"))}
    process = subprocess.Popen([sys.executable, "manage.py", "shopify_emulator", "--port", "0"], cwd=settings.BASE_DIR,
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = (process.stdout.readline() for _ in range(20))
        base = next(m.group(1) for line in lines if (m := re.search(r"on (http://127\.0\.0\.1:\d+)", line)))
        assert httpx.get(f"{base}/_emulator/health", timeout=5).json()["ok"] is True
        products = httpx.get(f"{base}/_emulator/shops/showreel-dev.myshopify.com/products", timeout=5).json()["products"]
        assert len(products) == 4
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_a_fresh_clone_migrates_into_a_var_folder_it_does_not_have_yet(tmp_path):
    # Given no DATABASE_URL and a var folder that does not exist (a fresh clone has none)
    var = tmp_path / "fresh" / "var"
    clean = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    # When the first manage.py command runs
    result = subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
                            env=clean | {"SHOWREEL_VAR_DIR": str(var)}, cwd=settings.BASE_DIR,
                            capture_output=True, text=True, timeout=120)
    # Then the folder and the SQLite database are created
    assert result.returncode == 0, result.stderr[-2000:]
    assert (var / "showreel.sqlite3").stat().st_size > 0
