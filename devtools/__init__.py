"""Stand-ins for the systems Showreel talks to (Shopify's dev store, NemoVideo), for tests and local runs.

Production code never imports from here (tests/test_architecture.py checks it); the app is only installed
when SHOWREEL_ENV is not production.
"""
