"""Production settings: `check --deploy` is clean with the documented variables, start-up refuses missing or
weak secrets with one line each, and a `.env` file fills in what the environment leaves unset."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from shopify_app import startup
from tests.jobs.fixtures import REPO

# The variables docs/deploy.md lists as required, with real-looking values.
PRODUCTION = {
    "SHOWREEL_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "showreel.example.com",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
    "SHOPIFY_API_KEY": "0123456789abcdef0123456789abcdef",
    "SHOPIFY_API_SECRET": secrets.token_hex(16),
    "SHOPIFY_APP_URL": "https://showreel.example.com",
}


def manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SHOPIFY_", "SHOWREEL_", "DJANGO_", "FIELD_", "SENTRY_", "LOG_"))}
    clean.pop("DATABASE_URL", None)
    clean.pop("REDIS_URL", None)
    # No .env of the checkout's leaks in: an empty one of our own.
    dotenv = tmp_path / "empty.env"
    dotenv.touch()
    return subprocess.run([sys.executable, "manage.py", *args], cwd=REPO, capture_output=True, text=True, timeout=120,
                          env=clean | {"SHOWREEL_VAR_DIR": str(tmp_path / "var"), "SHOWREEL_ENV_FILE": str(dotenv)} | env)


def test_check_deploy_reports_no_issues_with_the_documented_variables(tmp_path):
    # Given the production variables docs/deploy.md asks for
    # When Django's deployment checklist runs, failing on any warning
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION, tmp_path=tmp_path)
    # Then it passes: HTTPS settings, cookies, clickjacking, and the API schema all clean
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_answers_https_links_behind_a_tls_proxy(tmp_path):
    code = ("from django.test import RequestFactory; from django.conf import settings; "
            "r = RequestFactory().get('/app/', HTTP_HOST='showreel.example.com', HTTP_X_FORWARDED_PROTO='https'); "
            "print(r.build_absolute_uri(), settings.SECURE_SSL_REDIRECT, settings.SESSION_COOKIE_SECURE)")
    result = manage("shell", "--no-imports", "-c", code, env=PRODUCTION, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["https://showreel.example.com/app/", "True", "True"]


@pytest.mark.parametrize(
    ("change", "line"),
    [
        ({"SECRET_KEY": ""}, "DJANGO_SECRET_KEY must be set in production"),
        ({"SECRET_KEY": "too-short"}, "DJANGO_SECRET_KEY is too weak"),
        ({"SECRET_KEY": "ab" * 40}, "DJANGO_SECRET_KEY is too weak"),
        ({"SECRET_KEY": startup.DEV_SECRET_KEY}, "DJANGO_SECRET_KEY is too weak"),
        ({"SHOPIFY_API_KEY": ""}, "SHOPIFY_API_KEY must be set in production"),
        ({"SHOPIFY_API_SECRET": ""}, "SHOPIFY_API_SECRET must be set in production"),
        ({"FIELD_ENCRYPTION_KEYS": []}, "FIELD_ENCRYPTION_KEYS must be set in production"),
        ({"FIELD_ENCRYPTION_KEYS": ["not-a-key"]}, "FIELD_ENCRYPTION_KEYS: key 1 is not a Fernet key"),
        ({"FIELD_ENCRYPTION_KEYS": [Fernet.generate_key().decode(), startup.DEV_FERNET_KEY]},
         "FIELD_ENCRYPTION_KEYS: key 2 is the public development key"),
        ({"SHOPIFY_DEV_SESSION": True}, "SHOPIFY_DEV_SESSION is development-only"),
    ],
)
def test_each_missing_or_weak_secret_is_one_problem(change, line):
    # Given the settings production would run with, one of them missing or weak
    good = {"SECRET_KEY": PRODUCTION["DJANGO_SECRET_KEY"], "SHOPIFY_API_KEY": "k", "SHOPIFY_API_SECRET": "s",
            "FIELD_ENCRYPTION_KEYS": [PRODUCTION["FIELD_ENCRYPTION_KEYS"]]}
    # When start-up looks at them, then that is the one problem it names
    assert startup.production_problems(good) == []
    problems = startup.production_problems(good | change)
    assert len(problems) == 1 and problems[0].startswith(line)


def test_start_up_stops_with_one_line_for_a_weak_key(tmp_path):
    # Given production variables with a weak secret key; when a process starts (gunicorn and qcluster load
    # the same settings); then it stops with exactly that line and no traceback
    result = manage("check", env=PRODUCTION | {"DJANGO_SECRET_KEY": "too-short"}, tmp_path=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "showreel: refusing to start: DJANGO_SECRET_KEY is too weak: use 50 or more random characters "
        f"(generate one: {startup.GENERATE_SECRET_KEY})"]


def test_every_problem_gets_its_own_line(tmp_path):
    result = manage("check", env={"SHOWREEL_ENV": "production"}, tmp_path=tmp_path)
    prefix = "showreel: refusing to start: "
    assert result.returncode == 1
    assert [line.removeprefix(prefix).split()[0] for line in result.stderr.splitlines() if line.startswith(prefix)] == [
        "DJANGO_SECRET_KEY", "SHOPIFY_API_KEY", "SHOPIFY_API_SECRET", "FIELD_ENCRYPTION_KEYS"]
    assert len(result.stderr.splitlines()) == 4, result.stderr


def test_gunicorn_refuses_to_start_without_secrets(tmp_path):
    # The master loads the settings first (gunicorn.conf.py), so it exits instead of crash-looping workers.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHOPIFY_", "SHOWREEL_", "DJANGO_", "FIELD_"))}
    result = subprocess.run([sys.executable, "-m", "gunicorn", "shopify_app.wsgi", "--bind", "127.0.0.1:0"], cwd=REPO,
                            env=env | {"SHOWREEL_ENV": "production", "SHOWREEL_ENV_FILE": os.devnull},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "showreel: refusing to start: DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_a_dotenv_file_fills_in_what_the_environment_leaves_unset(tmp_path):
    # Given a .env with a value for a variable the environment lacks, one it sets, and one left empty
    dotenv = tmp_path / "app.env"
    dotenv.write_text("SHOWREEL_JOBS_PER_SHOP=7\nSHOWREEL_BATCH_MAX=5\nMEDIA_ROOT=\n")
    code = "from django.conf import settings as s; print(s.SHOWREEL_JOBS_PER_SHOP, s.SHOWREEL_BATCH_MAX, s.MEDIA_ROOT.name)"
    # When the settings load
    result = manage("shell", "--no-imports", "-c", code, env={"SHOWREEL_ENV_FILE": str(dotenv), "SHOWREEL_BATCH_MAX": "9"},
                    tmp_path=tmp_path)
    # Then the file filled the gap, the environment won, and an empty value counts as unset
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "9", "media"]


def test_json_log_format_writes_one_json_object_per_line(tmp_path):
    import json

    code = "import logging; logging.getLogger('showreel.test').warning('hello %s', 'world')"
    result = manage("shell", "--no-imports", "-c", code, env={"LOG_FORMAT": "json"}, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stderr.strip().splitlines()[-1])
    assert (record["level"], record["logger"], record["message"]) == ("WARNING", "showreel.test", "hello world")
