"""A fake NemoVideo API for tests and local runs (never production)."""
