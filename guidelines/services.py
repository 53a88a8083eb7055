"""Every write of the guidelines app: drafts, publication, acknowledgements, stale send-back.

Published versions are only ever created here (never updated); each publication and each
send-back is written to the shared audit log inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from guidelines.exceptions import InvalidExamples, NothingToAcknowledge, NothingToPublish
from guidelines.models import Acknowledgement, Guideline, GuidelineVersion
from labeling.announce import announce
from labeling.models import Item, Membership, Project
from labeling.services import ReopenReason, audit_record, items_reopen
from labeling.values import value_labels
from labeling.webhooks.catalogue import WebhookEvent
from labeling.webhooks.payloads import guideline_data

EXAMPLE_TEXT_CHARS = 500  # how much of an example item's text a version keeps


def draft_save(
    *, project: Project, author: AbstractBaseUser, markdown: str, changelog: str = ""
) -> Guideline:
    """Create or replace the project's draft (Markdown and the next version's changelog line)."""
    with transaction.atomic():
        guideline, _ = Guideline.objects.select_for_update().get_or_create(project=project)
        # Browsers submit textareas with CRLF; store LF so diffs show words, not line endings.
        guideline.draft_markdown = markdown.replace("\r\n", "\n").replace("\r", "\n")
        guideline.draft_changelog = changelog[:300]
        guideline.updated_by = author  # type: ignore[assignment]
        guideline.save()
    return guideline


def _example_snapshot(item: Item) -> dict[str, object]:
    text = item.data.get("text") if isinstance(item.data, dict) else None
    return {
        "item_id": item.pk,
        "external_id": item.external_id,
        "text": str(text or "")[:EXAMPLE_TEXT_CHARS],
        "value": item.final_value,
        "labels": value_labels(item.final_value),
        "note": item.example_note,
    }


def _examples_for(project: Project, item_ids: Iterable[int]) -> list[dict[str, object]]:
    wanted = list(dict.fromkeys(int(item_id) for item_id in item_ids))
    items = {
        item.pk: item
        for item in Item.objects.filter(project=project, pk__in=wanted, is_example=True)
    }
    missing = [item_id for item_id in wanted if item_id not in items]
    if missing:
        raise InvalidExamples(
            "Only items of this project marked as examples can be included",
            details={"item_ids": missing},
        )
    return [_example_snapshot(items[item_id]) for item_id in wanted]


def version_publish(
    *,
    project: Project,
    author: AbstractBaseUser,
    changelog: str = "",
    example_item_ids: Iterable[int] = (),
) -> GuidelineVersion:
    """Publish the current draft as version previous + 1 and put it in force.

    Locks the project row so two leads publishing at once get consecutive numbers. Sets
    Project.guideline_version, records the author as having acknowledged it, and audits.
    Raises NothingToPublish when the draft is empty, InvalidExamples for unknown items.
    """
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        guideline = Guideline.objects.filter(project=locked).first()
        if guideline is None or not guideline.draft_markdown.strip():
            raise NothingToPublish("Write the guideline draft before publishing")
        examples = _examples_for(locked, example_item_ids)
        previous = GuidelineVersion.objects.filter(project=locked).order_by("-number").first()
        version = GuidelineVersion.objects.create(
            project=locked,
            number=(previous.number if previous else 0) + 1,
            markdown=guideline.draft_markdown,
            changelog=(changelog or guideline.draft_changelog)[:300],
            author=author,
            published_at=timezone.now(),
            example_item_ids=[example["item_id"] for example in examples],
            examples=examples,
        )
        Project.objects.filter(pk=locked.pk).update(guideline_version=version.number)
        project.guideline_version = version.number
        guideline.draft_changelog = ""
        guideline.save(update_fields=["draft_changelog", "updated_at"])
        _acknowledge_version(user=author, project=locked, version=version)
        audit_record(
            project=locked,
            actor=author,
            action="guideline.publish",
            target_type="guideline_version",
            target_id=version.pk,
            before={"guideline_version": previous.number if previous else 0},
            after={
                "guideline_version": version.number,
                "changelog": version.changelog,
                "example_item_ids": version.example_item_ids,
            },
        )
        announce(
            project=locked,
            event=WebhookEvent.GUIDELINE_PUBLISHED,
            data=lambda: guideline_data(
                number=version.number,
                changelog=version.changelog,
                author=author.get_username(),
                published_at=version.published_at,
            ),
        )
    return version


def _acknowledge_version(
    *, user: AbstractBaseUser, project: Project, version: GuidelineVersion
) -> Acknowledgement:
    acknowledgement, _ = Acknowledgement.objects.get_or_create(
        user=user, version=version, defaults={"project": project}
    )
    Membership.objects.filter(
        project=project, user_id=user.pk, acknowledged_version__lt=version.number
    ).update(acknowledged_version=version.number)
    return acknowledgement


def acknowledge(*, user: AbstractBaseUser, project: Project) -> Acknowledgement:
    """Record that `user` read the version in force; idempotent (a second call changes nothing).

    Sets Membership.acknowledged_version to Project.guideline_version, which lifts the
    assignment engine's "guideline_ack_required" gate. Raises NothingToAcknowledge when the
    project has no published version.
    """
    with transaction.atomic():
        number = Project.objects.get(pk=project.pk).guideline_version
        version = GuidelineVersion.objects.filter(project=project, number=number).first()
        if version is None:
            raise NothingToAcknowledge("This project has no published guideline yet")
        return _acknowledge_version(user=user, project=project, version=version)


def send_back_stale(
    *, project: Project, lead: AbstractBaseUser, item_ids: Iterable[int]
) -> list[int]:
    """Open a new round for items labeled under an older guideline version.

    Each item of the project is reopened for all its earlier annotators by labeling's one
    reopen rule (labeling.services.items_reopen: round + 1, final label cleared, live leases
    released, one audit entry "guideline.send_back_stale" with the version in force, and its
    open flags held for the new labels). Ids of other projects are ignored. Returns the ids
    sent back.
    """
    return items_reopen(
        project=project,
        item_ids=item_ids,
        actor=lead,
        reason=ReopenReason.STALE_GUIDELINE,
        audit_extra={"guideline_version": project.guideline_version},
    )
