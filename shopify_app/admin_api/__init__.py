"""Talking to Shopify's Admin API: the GraphQL client, token grants, and the operations Showreel needs."""
