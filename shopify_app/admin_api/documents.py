"""The GraphQL documents the app sends (shopify_app/graphql/*.graphql) and the Admin schema they target.

Building the 3.8 MB schema takes a few seconds, so it is built once per process and only where documents are
validated (tests, the emulator), never on the request path.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    build_ast_schema,
    parse,
    validate,
    validate_schema,
)

GRAPHQL_DIR = Path(__file__).resolve().parent.parent / "graphql"
SCHEMA_DIR = GRAPHQL_DIR / "schema"

# graphql-core 3.3 enforces a newer spec rule that Shopify's schema breaks in four places
# (e.g. "Interface field Node.id is not deprecated, so implementation field DiscountAutomaticBxgy.id must not
# be deprecated."). That rule only is tolerated; any other schema error is fatal.
_TOLERATED_SCHEMA_ERROR = re.compile(r"^Interface field \S+ is not deprecated, so implementation field \S+ must not be deprecated\.$")


# Shopify's SDL has no escaped triple quote inside a description, so the shortest match is the whole string.
_BLOCK_STRING = re.compile(r'"""[\s\S]*?"""')


class UnknownDocument(LookupError):
    pass


def document_names() -> list[str]:
    return sorted(p.stem for p in GRAPHQL_DIR.glob("*.graphql"))


@cache
def load_document(name: str) -> str:
    path = GRAPHQL_DIR / f"{name}.graphql"
    if not re.fullmatch(r"[a-z0-9_]+", name) or not path.is_file():
        raise UnknownDocument(f"no GraphQL document {name!r} in {GRAPHQL_DIR}")
    return path.read_text()


def admin_schema(version: str | None = None) -> GraphQLSchema:
    return _build_schema(version or settings.SHOPIFY_API_VERSION)


@cache
def _build_schema(version: str) -> GraphQLSchema:
    source = (SCHEMA_DIR / f"admin-{version}.graphql").read_text()
    # Descriptions (block strings) are half of the parse time and play no part in validation.
    source = _BLOCK_STRING.sub("", source)
    schema = build_ast_schema(parse(source, no_location=True))
    unexpected = [e for e in validate_schema(schema) if not _TOLERATED_SCHEMA_ERROR.match(e.message)]
    if unexpected:
        raise RuntimeError(f"Admin schema {version} is invalid: {unexpected[0].message}")
    # validate() refuses a schema with any recorded error; the tolerated ones are dropped from its cache.
    schema._validation_errors = []  # noqa: SLF001
    return schema


def validate_document(source: str | DocumentNode, version: str | None = None) -> list[GraphQLError]:
    """Spec validation errors of `source` against the Admin schema (empty when valid)."""
    try:
        document = parse(source) if isinstance(source, str) else source
    except GraphQLError as exc:
        return [exc]
    return validate(admin_schema(version), document)
