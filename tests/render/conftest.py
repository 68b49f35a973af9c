"""Fixtures for the renderer's tests (helpers live in tests/render/helpers.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _var_dir(tmp_path_factory, settings):
    """Music beds rendered by the library go to a temp VAR_DIR, never into the checkout."""
    settings.VAR_DIR = tmp_path_factory.getbasetemp() / "var"
