"""Mark items as gold (known answer) or unmark them; the assignment engine serves them."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labeling.db.backend import lock_own_rows
from labeling.exceptions import ImportFailed, ValueInvalid
from labeling.models import Item, Project
from labeling.schema import value_validate
from labeling.services.audit import audit_record
from labeling.services.lifecycle import project_writable
from labeling.values import value_from_answer


@transaction.atomic
def gold_set(*, item: Item, value: dict[str, Any], actor: AbstractBaseUser | None) -> Item:
    """Make the item gold with the answer `value`, validated against the project schema.

    Raises labeling.exceptions.ValueInvalid when the answer does not fit the schema
    (span offsets are checked against the item's text). Writes an audit entry.
    """
    locked = lock_own_rows(Item.objects.select_related("project")).get(pk=item.pk)
    project_writable(locked.project)
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
    locked = lock_own_rows(Item.objects.select_related("project")).get(pk=item.pk)
    before = {"is_gold": locked.is_gold, "gold_value": locked.gold_value}
    locked.is_gold, locked.gold_value = False, None
    locked.save(update_fields=["is_gold", "gold_value"])
    audit_record(
        project=locked.project, actor=actor, action="item.gold_clear", target_type="item",
        target_id=locked.pk, before=before, after={"is_gold": False, "gold_value": None},
    )
    return locked


def gold_bulk_set(
    *, project: Project, answers: dict[str, Any], actor: AbstractBaseUser | None
) -> int:
    """Make the items named by external id gold with the given answers, all or nothing.

    `answers` maps external ids to answers (a value object, or a bare label string for single
    and multi ("a|b") kinds, a number for ratings). Raises ImportFailed listing every unknown id
    and invalid answer; writes nothing then. One audit entry per item. Returns how many.
    """
    project_writable(project)
    items = {item.external_id: item for item in Item.objects.filter(project=project, external_id__in=list(answers))}
    problems, clean = [], {}
    for line, (external_id, raw) in enumerate(answers.items(), start=1):
        item = items.get(external_id)
        if item is None:
            problems.append({"line": line, "message": f"no item with id {external_id} in the project"})
            continue
        try:
            text = item.data.get("text") if isinstance(item.data, dict) else None
            clean[external_id] = value_validate(project.schema, value_from_answer(project.kind, raw), text=text if isinstance(text, str) else None)
        except ValueInvalid as error:
            problems.append({"line": line, "message": f"item {external_id}: {error.message}"})
    if problems:
        raise ImportFailed(f"{len(problems)} gold answer(s) could not be used; nothing was changed", details=problems)
    with transaction.atomic():
        for external_id, value in clean.items():
            gold_set(item=items[external_id], value=value, actor=actor)
    return len(clean)


def gold_from_labels(*, project: Project, item_ids: list[int], actor: AbstractBaseUser | None) -> int:
    """Make the chosen items gold with their current label (final if settled, else the
    aggregate); items with neither are skipped. Returns how many became gold."""
    project_writable(project)
    done = 0
    with transaction.atomic():
        for item in Item.objects.filter(project=project, pk__in=item_ids).order_by("id"):
            value = item.final_value if item.final_value is not None else item.aggregate_value
            if value is not None:
                gold_set(item=item, value=value, actor=actor)
                done += 1
    return done
