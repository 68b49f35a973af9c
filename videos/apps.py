from django.apps import AppConfig


class VideosConfig(AppConfig):
    name = "videos"
    verbose_name = "Videos"

    def ready(self) -> None:
        # Jobs react to the Shopify edge's uninstall / redact signals (a light import: the receivers load
        # the job services only when a signal comes, so a command-line render does not pay for them).
        from videos.jobs import receivers  # noqa: F401
