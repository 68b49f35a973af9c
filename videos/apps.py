from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    verbose_name = "Videos"

    def ready(self) -> None:
        # --- jobs area: connect to the Shopify edge's uninstall / redact signals ---
        from videos.jobs import receivers  # noqa: F401
