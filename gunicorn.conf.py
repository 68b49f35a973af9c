"""gunicorn's settings for `gunicorn shopify_app.wsgi` (gunicorn reads ./gunicorn.conf.py by itself).

Every value can be overridden on the command line or with GUNICORN_CMD_ARGS."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

from gunicorn.glogging import Logger

from shopify_app.log_filters import RedactShopifySecrets
from shopify_app.startup import load_env_file

load_env_file(Path(__file__).resolve().parent / ".env")  # PORT, WEB_CONCURRENCY... may come from .env too
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
# Requests are short (the renders run in the qcluster workers): a few processes with threads each.
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
accesslog = "-"
# No control socket (`gunicornc`): nothing uses it, and several servers on one host would share its path.
control_socket_disable = True
errorlog = "-"
# No Referer or User-Agent: the admin's URLs carry id_token/hmac, and the Referer would repeat them.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'

if os.environ.get("LOG_FORMAT") == "json":
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter",
                                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}},
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stdout"}},
        "loggers": {"gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
                    "gunicorn.access": {"handlers": ["console"], "level": "INFO", "propagate": False}},
    }


class RedactingLogger(Logger):
    """gunicorn's logger with Shopify's secrets (id_token, hmac, code, tokens) masked in every line."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            log.addFilter(RedactShopifySecrets())


logger_class = RedactingLogger


def on_starting(server: Any) -> None:
    """Load the settings once in the master, so a production process missing its secrets stops here with
    one line per problem instead of crash-looping workers."""
    importlib.import_module(os.environ.get("DJANGO_SETTINGS_MODULE", "shopify_app.settings"))
