"""Compare looks: short, low-resolution previews of one product in three templates (no credit; a few sets per
shop per day), then the picked look made in full from the same composed spec (one credit)."""
