"""How the flag detectors compare two span or box values: F1 of matched regions, not equality.

Two spans values are compared with the span F1 of review.metrics.spans.matching ("exact":
same start, end and label; "overlap": same label sharing a character); two boxes values
with the labelled F1 at IoU >= 0.5 of review.metrics.boxes (Hungarian matching). F1 is 1.0
when neither value has a region (both say "nothing here"), so the figure is always defined.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from labeling.values import class_key, value_kind
from review.metrics.boxes.inputs import box_annotations
from review.metrics.boxes.tallies import BoxMatching
from review.metrics.spans.inputs import span_annotations
from review.metrics.spans.matching import compare_spans, overall_f1

REGION_KINDS = ("spans", "boxes")
SPAN_FIELDS = ("start", "end", "label")
BOX_FIELDS = ("x", "y", "width", "height", "label")


def value_parts(
    kind: str, value: Any, allowed: Iterable[str] | None = None
) -> list[dict[str, Any]]:
    """The well-formed spans or boxes of a value as dicts (only `allowed` labels, when given)."""
    keep = None if allowed is None else set(allowed)
    key = class_key(value, kind)
    parts: tuple[tuple[Any, ...], ...] = key if isinstance(key, tuple) else ()  # type: ignore[assignment]
    names = SPAN_FIELDS if kind == "spans" else BOX_FIELDS
    found = [dict(zip(names, part, strict=True)) for part in parts]
    return [part for part in found if keep is None or part["label"] in keep]


def region_kind(*values: Any) -> str | None:
    """ "spans" or "boxes" when every value given (None skipped) is of that one kind."""
    kinds = {value_kind(value) for value in values if value is not None}
    if len(kinds) == 1 and (kind := kinds.pop()) in REGION_KINDS:
        return kind
    return None


def region_f1(a: Any, b: Any, kind: str, *, matching: str = "exact") -> float:
    """F1 between the regions of two values of `kind` (see the module docstring).

    `matching` applies to spans ("exact" or "overlap"); boxes always match at IoU >= 0.5.
    """
    first, second = value_parts(kind, a), value_parts(kind, b)
    if not first and not second:
        return 1.0
    pair: dict[Hashable, list[tuple[str, list[dict[str, Any]]]]] = {
        0: [("a", first), ("b", second)]
    }
    if kind == "spans":
        end = max(int(part["end"]) for part in first + second)
        data, _ = span_annotations(pair, {0: " " * end})
        value = overall_f1(compare_spans(data))[matching].value
    else:
        boxes, _ = box_annotations(pair)
        value = BoxMatching.of(boxes).overall().fields(0)["f1"]
    return float(value) if value is not None else 0.0
