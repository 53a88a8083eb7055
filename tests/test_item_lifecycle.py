"""The Item lifecycle is labeling's: one reopen rule for every caller, no Item writes elsewhere."""

from __future__ import annotations

import ast
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from guidelines import services as guideline_services
from labeling.models import AssignmentStatus, AuditEntry
from review.models import Flag, FlagStatus
from review.services.decisions import item_send_back
from review.services.flags import item_flags_refresh
from review.tasks.flags import hold_reopened_flags_task
from tests.factories import AnnotationFactory, AssignmentFactory, ItemFactory, UserFactory

ROOT = Path(__file__).resolve().parents[1]
WRITES = {"update", "bulk_update", "save", "create", "bulk_create", "delete", "get_or_create",
          "update_or_create"}  # fmt: skip


def _chain_root(node: ast.AST) -> ast.AST:
    """The leftmost name of `Item.objects.filter(...).update` (walks attributes and calls)."""
    while isinstance(node, ast.Attribute | ast.Call):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node


def _item_writes(source: str, name: str) -> list[str]:
    """`name:line` of each call that writes Item (or ItemReviewer) rows in `source`."""
    found = []
    for node in ast.walk(ast.parse(source, filename=name)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in WRITES:
            continue
        root = _chain_root(node.func.value)
        if isinstance(root, ast.Name) and root.id in {"Item", "item", "ItemReviewer"}:
            found.append(f"{name}:{node.lineno}")
    return found


def test_review_and_guidelines_never_write_item_rows():
    sources = [
        path
        for app in ("review", "guidelines", "frontend")
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    assert sources
    writes = [
        hit for path in sources for hit in _item_writes(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert writes == [], "write items through labeling.services.items"


def test_the_guard_sees_item_writes_across_lines():
    source = "(Item.objects.filter(pk=1)\n    .update(round=2))\nitem.save()\nflag.save()\n"
    assert _item_writes(source, "probe.py") == ["probe.py:1", "probe.py:3"]


@pytest.fixture
def stale(project, annotators):
    """A contested item with an open low-agreement flag and a live lease of another annotator."""
    item = ItemFactory(project=project)
    for user, label in zip(annotators, ("positive", "negative", "neutral"), strict=True):
        AnnotationFactory(item=item, annotator=user, value={"label": label}, guideline_version=0)
    item_flags_refresh(item_id=item.pk)
    assert Flag.objects.get(item=item).status == FlagStatus.OPEN
    AssignmentFactory(item=item, annotator=UserFactory())
    return item


def test_sending_stale_items_back_holds_their_open_flags_for_the_new_labels(
    project, lead, stale, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        guideline_services.send_back_stale(project=project, lead=lead, item_ids=[stale.pk])
    assert Flag.objects.get(item=stale).status == FlagStatus.IN_REVIEW


def test_either_reopen_releases_the_items_live_leases(project, lead, reviewer, stale):
    guideline_services.send_back_stale(project=project, lead=lead, item_ids=[stale.pk])
    assert not stale.assignments.filter(status=AssignmentStatus.ACTIVE).exists()
    AssignmentFactory(item=stale, annotator=UserFactory())
    item_send_back(item=stale, reviewer=reviewer)
    assert list(stale.assignments.values_list("status", flat=True)) == [
        AssignmentStatus.RELEASED,
        AssignmentStatus.RELEASED,
    ]


def test_both_reopen_paths_audit_the_same_state_before_and_after(project, lead, reviewer, stale):
    guideline_services.send_back_stale(project=project, lead=lead, item_ids=[stale.pk])
    item_send_back(item=stale, reviewer=reviewer, note="look again")
    stale_entry = AuditEntry.objects.get(action="guideline.send_back_stale")
    review_entry = AuditEntry.objects.get(action="review.send_back")
    assert set(stale_entry.before) == set(review_entry.before)
    assert (stale_entry.before["round"], review_entry.after["round"]) == (1, 3)
    assert stale_entry.after["guideline_version"] == project.guideline_version
    assert review_entry.after["note"] == "look again"


def test_a_late_hold_leaves_flags_refreshed_after_the_reopen(stale):
    reopened_at = timezone.now() - timedelta(minutes=1)
    assert hold_reopened_flags_task([stale.pk], reopened_at.isoformat()) == 0
    assert Flag.objects.get(item=stale).status == FlagStatus.OPEN
    assert hold_reopened_flags_task([stale.pk], timezone.now().isoformat()) == 1
    assert Flag.objects.get(item=stale).status == FlagStatus.IN_REVIEW
