"""Reads the UI needs from NemoVideo."""

from __future__ import annotations

from videos.backends.nemo.client import CreditBalance, NemoClient, client_from_settings


def get_credit_balance(client: NemoClient | None = None) -> CreditBalance:
    """The installation's NemoVideo credits (`available`, `frozen` by running jobs, `total`).
    Raises a `NemoError` (e.g. `NemoNetworkError`, retryable) when NemoVideo cannot tell."""
    own = client is None
    client = client or client_from_settings()
    try:
        return client.credits()
    finally:
        if own:
            client.close()
