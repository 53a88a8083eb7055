"""Turn an aggregated code back into an annotation value of the project's kind."""

from __future__ import annotations

from typing import Any

from labeling.values import NONE_TEXT
from review.metrics.inputs import SchemaSpec

# The vote name of the empty label set: the text every page shows for {"labels": []}.
NONE_SET = NONE_TEXT


def aggregate_value(spec: SchemaSpec, name: str) -> dict[str, Any]:
    """The value dict for a code's display name: {"label"}, {"rating"} or {"labels"}."""
    if spec.kind == "rating":
        return {"rating": int(name)}
    if spec.kind == "multi":
        return {"labels": [] if name == NONE_SET else name.split("+")}
    return {"label": name}
