"""Settling an item from one of its versions: the aggregate, or one annotator's value.

The reviewer's page names a version ("aggregate" or "annotation:<id>"); the value is read here,
from the item's own rows, so a taken version is stored exactly as it was made (the page never
sends it back). The decision itself is review.services.decisions.final_label_set.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labeling.exceptions import NotFound, ValueInvalid
from labeling.models import Annotation, Item
from review.models import ReviewDecision
from review.services.decisions import final_label_set

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


@transaction.atomic
def final_label_take(
    *, item: Item, reviewer: AbstractBaseUser, source: str, cause: str = "", note: str = ""
) -> ReviewDecision:
    """Set the final label to the version `source` names, validated like any final label.

    The item row is locked first, so the version read is the one settled. Extra keys of an
    aggregate (a per-span or per-box "confidence") are dropped by the schema check; the audit
    entry records the source. Raises as source_value and final_label_set do.
    """
    locked = Item.objects.select_for_update().get(pk=item.pk)
    value = source_value(item=locked, source=source)
    return final_label_set(
        item=locked, reviewer=reviewer, value=value, cause=cause, note=note, source=source
    )
