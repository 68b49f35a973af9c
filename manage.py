#!/usr/bin/env python
"""Django's command-line utility for Showreel."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shopify_app.settings")
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    try:
        execute_from_command_line(sys.argv)
    except DatabaseError as exc:
        # A command that needs tables on a database nobody migrated yet (a fresh clone): one line, not a traceback.
        if "no such table" in str(exc) or ("relation" in str(exc) and "does not exist" in str(exc)):
            sys.stderr.write(f"error: the database has no tables yet ({str(exc).splitlines()[0]}): "
                             "run `python manage.py migrate` first\n")
            sys.exit(1)
        raise


if __name__ == "__main__":
    main()
