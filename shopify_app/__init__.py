"""Showreel's Django project package and its edge to Shopify."""
