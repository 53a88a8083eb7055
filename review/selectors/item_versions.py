"""The versions of an item a reviewer can settle from: its aggregate, or one annotator's value.

A version is named "aggregate" or "annotation:<id>"; its value is read from the item's own rows,
so a taken version is stored exactly as it was made (the page never sends it back). The
settling itself is review.services.settle.final_label_take.
"""

from __future__ import annotations

from typing import Any

from labeling.exceptions import NotFound, ValueInvalid
from labeling.models import Annotation, Item

AGGREGATE = "aggregate"
ANNOTATION_PREFIX = "annotation:"


def source_value(*, item: Item, source: str) -> Any:
    """The value a version names: the item's aggregate, or one of the item's annotations.

    Raises ValueInvalid for an item without an aggregate or a malformed name, NotFound for an
    annotation that is not this item's.
    """
    if source == AGGREGATE:
        if item.aggregate_value is None:
            raise ValueInvalid("This item has no aggregate yet; take an annotator's version")
        return item.aggregate_value
    pk = source.removeprefix(ANNOTATION_PREFIX)
    if not source.startswith(ANNOTATION_PREFIX) or not pk.isdigit():
        raise ValueInvalid(f"Unknown version {source[:40]!r}")
    annotation = Annotation.objects.filter(item_id=item.pk, pk=int(pk)).first()
    if annotation is None:
        raise NotFound("No such annotation on this item")
    return annotation.value
