"""API fixtures: the jobs fixtures (see tests/jobs/fixtures.py)."""

from tests.jobs.fixtures import credits_for, fake_cdn, fake_cdn_server, jobs_settings, tiny_product  # noqa: F401
