"""Reading the merchant's media: content sniffing, validation, photos, clips and audio."""
