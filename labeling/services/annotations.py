"""Writes of the annotator's day: submit, skip and release a lease; edit an own annotation.

Every function locks the row it changes, checks that the caller owns it (others get NotFound,
so ids of peers' work are not confirmed). A changed label flags its item for the review app's
recompute in the same write (Item.recompute_pending) and asks for a drain after commit.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from labeling import events
from labeling.announce import announce
from labeling.db.backend import has_select_for_update_of
from labeling.db.executor import fetch_one, insert, run
from labeling.db.submit_sql import item_annotation_counted, lease_close, own_assignment_sql
from labeling.exceptions import AnnotationSettled, AssignmentClosed, NotFound
from labeling.models import Annotation, Assignment, AssignmentStatus, Item, Project
from labeling.permissions import project_for_role
from labeling.services.audit import audit_record
from labeling.services.counts import annotation_counted
from labeling.services.item_values import item_value_validate
from labeling.services.items import pending_flag
from labeling.services.model_server_events import model_server_annotation_event
from labeling.webhooks.catalogue import WebhookEvent
from labeling.webhooks.payloads import annotation_data

MAX_LEAD_TIME_MS = 24 * 3600 * 1000  # a day; anything longer is a forgotten tab, not work


def _validated(project: Project, item: Item, value: object) -> dict[str, Any]:
    """The value checked against the project's schema (span offsets against the item's text,
    boxes against the image's size)."""
    return item_value_validate(schema=project.schema, item=item, value=value)


def _own_assignment(assignment_id: int, user: AbstractBaseUser) -> Assignment:
    """Lock and return the caller's assignment with its item and project (one statement).

    NotFound for anyone else's or a missing one; the membership join means removed members
    lose their leases.
    """
    found = fetch_one(
        own_assignment_sql(lock=has_select_for_update_of()),
        [assignment_id, user.pk],
        [Assignment, Item, Project],
    )
    if found is None:
        raise NotFound("No such assignment")
    assignment, item, project = found
    assignment.item, assignment.project = item, project  # type: ignore[attr-defined]
    return assignment  # type: ignore[return-value]


def _ensure_still_held(assignment: Assignment, now: datetime) -> None:
    """Accept a lapsed lease only while its item still has a free slot (checked under lock)."""
    if assignment.status != AssignmentStatus.ACTIVE:
        raise AssignmentClosed(f"This assignment is already {assignment.status}")
    if assignment.expires_at > now:
        return
    item = Item.objects.select_for_update().get(pk=assignment.item_id)
    live = Assignment.objects.filter(
        item=item, status=AssignmentStatus.ACTIVE, expires_at__gt=now
    ).count()
    done = Annotation.objects.filter(item=item, round=item.round).count()
    if live + done >= (item.target_overlap or assignment.project.overlap):
        raise AssignmentClosed("Your lease ran out and the item went to someone else")


def _store(
    assignment: Assignment, user: AbstractBaseUser, fields: dict[str, Any], now: datetime
) -> Annotation:
    """Create the annotation (or update the user's earlier-round one), count it on the item and
    close the lease as `submitted`.

    In round 1 nobody can hold an earlier annotation of the item (the claim rules them out), so
    the lookup is skipped; an annotation imported meanwhile trips the unique constraint.
    """
    assignment.status, assignment.finished_at = AssignmentStatus.SUBMITTED, now
    close = lease_close(assignment.pk, assignment.status, now)
    annotation = None
    if assignment.item.round > 1:
        annotation = (
            Annotation.objects.select_for_update()
            .filter(item_id=assignment.item_id, annotator_id=user.pk)
            .first()
        )
    if annotation is None:
        count = item_annotation_counted(assignment.item_id, now)
        values = {
            "project_id": assignment.project_id,
            "item_id": assignment.item_id,
            "annotator_id": user.pk,
            "created_at": now,
            "updated_at": now,
            **fields,
        }
        created = insert(Annotation, values, along=[count, close])
        annotation_counted(project_id=assignment.project_id, item_id=assignment.item_id, now=now)
        return created
    # A relabel in a later round replaces the value in place; the audit keeps the earlier one.
    before = {"value": annotation.value, "round": annotation.round, "unsure": annotation.unsure}
    for name, field_value in fields.items():
        setattr(annotation, name, field_value)
    annotation.save(update_fields=[*fields, "updated_at"])
    audit_record(
        project=assignment.project, actor=user, action="annotation.relabel",
        target_type="annotation", target_id=annotation.pk, before=before,
        after={"value": annotation.value, "round": annotation.round, "unsure": annotation.unsure},
    )
    Item.objects.filter(pk=assignment.item_id).update(**pending_flag(now))
    run(*close)
    return annotation


def annotation_submit(
    *,
    assignment_id: int,
    user: AbstractBaseUser,
    value: object,
    lead_time_ms: int | None = None,
    unsure: bool = False,
    comment: str = "",
) -> Annotation:
    """Store the user's label for their assignment and close the lease as `submitted`.

    The value is validated by labeling.schema. The annotation records the guideline version in
    force, whether a pre-label was shown, and the item's round; a reopened item updates the
    user's earlier annotation in place (one per item and annotator). Raises NotFound (not the
    caller's), AssignmentClosed (409: already closed, or lapsed and the slot was taken) and
    ValueInvalid (400). Flags the item for recompute (see labeling.events).
    """
    now = timezone.now()
    try:
        return _submit(assignment_id, user, now, value, lead_time_ms=lead_time_ms, unsure=unsure, comment=comment)
    except IntegrityError as error:
        # Only the one-annotation-per-annotator constraint can fail here (see `_store`).
        raise AssignmentClosed("You have already labeled this item") from error


def _submit(
    assignment_id: int,
    user: AbstractBaseUser,
    now: datetime,
    value: object,
    *,
    lead_time_ms: int | None,
    unsure: bool,
    comment: str,
) -> Annotation:
    """The transaction of `annotation_submit`."""
    with transaction.atomic():
        assignment = _own_assignment(assignment_id, user)
        _ensure_still_held(assignment, now)
        project, item = assignment.project, assignment.item
        if project.is_archived or project.deleting:
            raise AssignmentClosed("The project is archived; labels are no longer taken")
        fields = {
            "assignment_id": assignment.pk,
            "value": _validated(project, item, value),
            "guideline_version": project.guideline_version,
            "lead_time_ms": None if lead_time_ms is None else min(max(lead_time_ms, 0), MAX_LEAD_TIME_MS),
            "prelabel_shown": assignment.prelabel_shown,
            "unsure": unsure,
            "comment": comment,
            "round": item.round,
        }
        annotation = _store(assignment, user, fields, now)
        events.drain_pending_on_commit(project.pk)
        # A later round updates the annotator's earlier annotation in place (see `_store`).
        created = annotation.created_at == now
        announce(
            project=project,
            event=WebhookEvent.ANNOTATION_CREATED if created else WebhookEvent.ANNOTATION_UPDATED,
            data=lambda: annotation_data(annotation),
        )
        model_server_annotation_event(project=project, annotation=annotation, created=created)
    return annotation


def _close(assignment_id: int, user: AbstractBaseUser, status: AssignmentStatus) -> Assignment:
    """Close the caller's active lease with `status`; the slot returns to the pool at once."""
    with transaction.atomic():
        assignment = _own_assignment(assignment_id, user)
        if assignment.status != AssignmentStatus.ACTIVE:
            raise AssignmentClosed(f"This assignment is already {assignment.status}")
        assignment.status = status
        assignment.finished_at = timezone.now()
        assignment.save(update_fields=["status", "finished_at"])
    return assignment


def assignment_skip(*, assignment_id: int, user: AbstractBaseUser) -> Assignment:
    """Skip: the item goes back to the pool for others, and is recorded as skipped.

    The skipper is not offered it again for labeling.assignment.SKIP_MEMORY (12 hours).
    Raises NotFound (not the caller's) and AssignmentClosed (409, not active).
    """
    return _close(assignment_id, user, AssignmentStatus.SKIPPED)


def assignment_release(*, assignment_id: int, user: AbstractBaseUser) -> Assignment:
    """Give the lease back without judging the item (e.g. leaving); it may come back to them.

    Raises NotFound (not the caller's) and AssignmentClosed (409, not active).
    """
    return _close(assignment_id, user, AssignmentStatus.RELEASED)


def annotation_edit(
    *,
    annotation_id: int,
    user: AbstractBaseUser,
    value: object | None = None,
    unsure: bool | None = None,
    comment: str | None = None,
) -> Annotation:
    """Change the user's own annotation while its item is not settled by a reviewer.

    Fields left as None are kept. The edit takes the guideline version now in force and is
    written to the audit log. Raises NotFound (not the caller's), AnnotationSettled (409) and
    ValueInvalid (400). Flags the item for recompute (see labeling.events).
    """
    with transaction.atomic():
        annotation = (
            Annotation.objects.select_for_update(of=("self",))
            .select_related("item", "project")
            .filter(pk=annotation_id, annotator_id=user.pk)
            .first()
        )
        if annotation is None:
            raise NotFound("No such annotation")
        project = project_for_role(user, annotation.project_id)
        if annotation.item.final_value is not None:
            raise AnnotationSettled("A reviewer has settled this item; it can no longer change")
        before = {"value": annotation.value, "unsure": annotation.unsure, "comment": annotation.comment}
        if value is not None:
            annotation.value = _validated(project, annotation.item, value)
        if unsure is not None:
            annotation.unsure = unsure
        if comment is not None:
            annotation.comment = comment
        annotation.guideline_version = project.guideline_version
        annotation.save(update_fields=["value", "unsure", "comment", "guideline_version", "updated_at"])
        after = {"value": annotation.value, "unsure": annotation.unsure, "comment": annotation.comment}
        audit_record(project=project, actor=user, action="annotation.edit",
                     target_type="annotation", target_id=annotation.pk, before=before, after=after)
        Item.objects.filter(pk=annotation.item_id).update(**pending_flag(timezone.now()))
        events.drain_pending_on_commit(project.pk)
        announce(project=project, event=WebhookEvent.ANNOTATION_UPDATED,
                 data=lambda: annotation_data(annotation))
        model_server_annotation_event(project=project, annotation=annotation, created=False)
    return annotation
