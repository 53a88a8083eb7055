"""Turn an aggregated code back into an annotation value of the project's kind."""

from __future__ import annotations

from typing import Any

from review.metrics.inputs import SchemaSpec

NONE_SET = "(none)"


def aggregate_value(spec: SchemaSpec, name: str) -> dict[str, Any]:
    """The value dict for a code's display name: {"label"}, {"rating"} or {"labels"}."""
    if spec.kind == "rating":
        return {"rating": int(name)}
    if spec.kind == "multi":
        return {"labels": [] if name == NONE_SET else name.split("+")}
    return {"label": name}
