"""Settling an item from one of its versions: the aggregate, or one annotator's value.

The reviewer's page names a version ("aggregate" or "annotation:<id>"); its value is read by
review.selectors.item_versions.source_value under the item's row lock, so a taken version is
stored exactly as it was made (the page never sends it back). The decision itself is
review.services.decisions.final_label_set.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labeling.models import Item
from labeling.services.items import item_lock
from review.models import ReviewDecision
from review.selectors.item_versions import source_value
from review.services.decisions import final_label_set


@transaction.atomic
def final_label_take(
    *, item: Item, reviewer: AbstractBaseUser, source: str, cause: str = "", note: str = ""
) -> ReviewDecision:
    """Set the final label to the version `source` names, validated like any final label.

    The item row is locked first, so the version read is the one settled. Extra keys of an
    aggregate (a per-span or per-box "confidence") are dropped by the schema check; the audit
    entry records the source. Raises as source_value and final_label_set do.
    """
    locked = item_lock(item_id=item.pk)
    value = source_value(item=locked, source=source)
    return final_label_set(
        item=locked, reviewer=reviewer, value=value, cause=cause, note=note, source=source
    )
