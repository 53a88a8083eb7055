"""Mark items as gold (known answer) or unmark them; the assignment engine serves them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labeling.models import Item
from labeling.schema import value_validate
from labeling.services.audit import audit_record


@transaction.atomic
def gold_set(*, item: Item, value: dict[str, Any], actor: AbstractBaseUser | None) -> Item:
    """Make the item gold with the answer `value`, validated against the project schema.

    Raises labeling.exceptions.ValueInvalid when the answer does not fit the schema
    (span offsets are checked against the item's text). Writes an audit entry.
    """
    locked = Item.objects.select_for_update().select_related("project").get(pk=item.pk)
    text = locked.data.get("text") if isinstance(locked.data, dict) else None
    clean = value_validate(locked.project.schema, value, text=text if isinstance(text, str) else None)
    before = {"is_gold": locked.is_gold, "gold_value": locked.gold_value}
    locked.is_gold, locked.gold_value = True, clean
    locked.save(update_fields=["is_gold", "gold_value"])
    audit_record(
        project=locked.project, actor=actor, action="item.gold_set", target_type="item",
        target_id=locked.pk, before=before, after={"is_gold": True, "gold_value": clean},
    )
    return locked


@transaction.atomic
def gold_clear(*, item: Item, actor: AbstractBaseUser | None) -> Item:
    """Make the item an ordinary item again (its answer is forgotten). Writes an audit entry."""
    locked = Item.objects.select_for_update().select_related("project").get(pk=item.pk)
    before = {"is_gold": locked.is_gold, "gold_value": locked.gold_value}
    locked.is_gold, locked.gold_value = False, None
    locked.save(update_fields=["is_gold", "gold_value"])
    audit_record(
        project=locked.project, actor=actor, action="item.gold_clear", target_type="item",
        target_id=locked.pk, before=before, after={"is_gold": False, "gold_value": None},
    )
    return locked
