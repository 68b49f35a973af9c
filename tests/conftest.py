"""Fixtures shared by the whole suite."""

import pytest

# --- The Shopify emulator and an installed shop ---------------------------------------------------
# shopify_emulator (fresh emulated Shopify per test, SHOPIFY_ADMIN_BASE set), shopify_shop (installed Shop
# row), shopify_transport (Admin API transport that records waits). See tests/emulator_fixtures.py.
from tests.emulator_fixtures import (  # noqa: F401
    shopify_emulator,
    shopify_emulator_server,
    shopify_shop,
    shopify_transport,
)


# --- A file-backed SQLite test database -----------------------------------------------------
# Worker processes (a killed `run_job`, a real `qcluster`) must see the test database; SQLite's default
# in-memory test database is private to this process, so SQLite runs use a file in pytest's temp folder.
# PostgreSQL runs are unchanged (test_showreel is reachable from any process).
@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):  # noqa: ANN001, ANN201
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.getbasetemp() / "test-showreel.sqlite3")
