"""Query cost and the per-shop leaky bucket, simplified from Shopify's calculated query costs.

https://shopify.dev/docs/api/usage/rate-limits#graphql-admin-api-rate-limits: scalars and enums cost 0, an
object 1, a connection 2 plus `first`/`last` times the cost of what is selected inside it, and a mutation 10.
The bucket holds 1000 points and restores 50 per second (standard plan); both are configurable here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    is_leaf_type,
    value_from_ast_untyped,
)


def query_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: dict[str, FragmentDefinitionNode],
    variables: dict[str, Any],
) -> int:
    root = schema.mutation_type if operation.operation == OperationType.MUTATION else schema.query_type
    per_root_field = 10 if operation.operation == OperationType.MUTATION else 1
    total = 0
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode) and not selection.name.value.startswith("__"):
            field = root.fields[selection.name.value]  # type: ignore[union-attr]
            total += per_root_field - 1 + _field_cost(schema, field.type, selection, fragments, variables)
    return max(total, 1)


def _field_cost(schema, field_type, node: FieldNode, fragments, variables) -> int:
    named = get_named_type(field_type)
    if is_leaf_type(named) or node.selection_set is None:
        return 0
    inner = _selection_cost(schema, named, node.selection_set, fragments, variables)
    if named.name.endswith("Connection"):
        size = _page_size(node, variables)
        return 2 + size * inner
    return 1 + inner


def _selection_cost(schema, parent, selection_set, fragments, variables) -> int:
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            if selection.name.value.startswith("__"):
                continue
            field = getattr(parent, "fields", {}).get(selection.name.value)
            if field is not None:
                total += _field_cost(schema, field.type, selection, fragments, variables)
        elif isinstance(selection, InlineFragmentNode):
            target = schema.get_type(selection.type_condition.name.value) if selection.type_condition else parent
            total += _selection_cost(schema, target, selection.selection_set, fragments, variables)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                target = schema.get_type(fragment.type_condition.name.value)
                total += _selection_cost(schema, target, fragment.selection_set, fragments, variables)
    return total


def _page_size(node: FieldNode, variables: dict[str, Any]) -> int:
    for argument in node.arguments or ():
        if argument.name.value in ("first", "last"):
            value = value_from_ast_untyped(argument.value, variables)
            if isinstance(value, int):
                return max(value, 0)
    return 1


class LeakyBucket:
    """Points restore continuously at `restore_rate` per second up to `maximum`; a query takes its cost."""

    def __init__(self, maximum: float, restore_rate: float, clock: Callable[[], float]) -> None:
        self.maximum = maximum
        self.restore_rate = restore_rate
        self.clock = clock
        self.available = maximum
        self.updated = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.available = min(self.maximum, self.available + (now - self.updated) * self.restore_rate)
        self.updated = now

    def take(self, cost: float) -> bool:
        self._refill()
        if cost > self.available:
            return False
        self.available -= cost
        return True

    def drain(self) -> None:
        self._refill()
        self.available = 0.0

    def status(self) -> dict[str, float]:
        self._refill()
        return {
            "maximumAvailable": float(self.maximum),
            "currentlyAvailable": round(self.available, 3),
            "restoreRate": float(self.restore_rate),
        }
