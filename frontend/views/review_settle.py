"""The visual settle of a spans or boxes item: its versions drawn, and the final-value editor.

The review page draws every version (the aggregate, each annotator's) with the regions
component and edits the final value with it; this module gathers what it reads, as one object
the template writes with json_script (never into markup). Staff only: it is built from the
item_review_get view, whose selector already refused annotators.
"""

from __future__ import annotations

import json
from typing import Any

from frontend.views.region_config import REGION_KINDS, region_item, region_labels
from labeling.values import VALUE_KEYS, value_text
from review.selectors.item_versions import AGGREGATE, ANNOTATION_PREFIX


def _count(kind: str, value: Any) -> str:
    """'3 spans', '1 box', 'no boxes': how many regions a version has."""
    parts = value.get(VALUE_KEYS[kind]) if isinstance(value, dict) else None  # type: ignore[index]
    n = len(parts) if isinstance(parts, list) else 0
    noun = {"spans": ("span", "spans"), "boxes": ("box", "boxes")}[kind][n != 1]
    return f"{n} {noun}" if n else f"no {noun}"


def _sources(view: Any, kind: str) -> list[dict[str, Any]]:
    """Every version of the item: the aggregate (when set), then each annotation in order."""
    item = view.item
    sources = []
    if item.aggregate_value is not None:
        confidence = item.aggregate_confidence
        shown = [item.aggregate_method] if item.aggregate_method else []
        if confidence is not None:
            shown.append(f"{confidence:.2f} confidence")
        detail = ", ".join(shown)
        sources.append(
            {"key": AGGREGATE, "name": "Aggregate", "detail": detail, "value": item.aggregate_value}
        )
    for annotation in view.annotations:
        sources.append(
            {
                "key": f"{ANNOTATION_PREFIX}{annotation.pk}",
                "name": annotation.annotator.username,
                "detail": "unsure" if annotation.unsure else "",
                "value": annotation.value,
            }
        )
    for source in sources:
        source["count"] = _count(kind, source["value"])
        source["text"] = value_text(source["value"])
    return sources


def settle_context(view: Any) -> dict[str, Any]:
    """The page's settle data: {} for kinds settled with the label picker.

    "settle_config" (for json_script): kind, labels, item, sources [{key, name, value}] and
    the editor's starting point {name, value} (the final label, else the aggregate, else
    empty); "settle_sources" for the version list; "value_json" the starting value as JSON.
    """
    project, item = view.project, view.item
    kind = project.kind
    if kind not in REGION_KINDS:
        return {}
    sources = _sources(view, kind)
    if item.final_value is not None:
        start = {"name": "the final label", "value": item.final_value}
    elif item.aggregate_value is not None:
        start = {"name": "the aggregate", "value": item.aggregate_value}
    else:
        start = {"name": "nothing", "value": {VALUE_KEYS[kind]: []}}  # type: ignore[index]
    config = {
        "kind": kind,
        "labels": region_labels(project),
        "item": region_item(item, project),
        "sources": [{k: s[k] for k in ("key", "name", "value")} for s in sources],
        "start": start,
    }
    return {
        "settle_config": config,
        "settle_sources": sources,
        "value_json": json.dumps(start["value"], sort_keys=True),
    }
