"""Keep videos up to date: a product's video follows its photos and price (fingerprint, services, selectors)."""
