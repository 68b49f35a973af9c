"""The embedded admin UI's server-side helpers (the pages themselves are templates/app/ + static/showreel/)."""
