"""Project counters (issue 20): every write moves them, and after any mix of operations they
equal a full recompute from the rows (labeling.services.counts, review.services.flag_counts)."""

from __future__ import annotations

import json

import pytest

from labeling.assignment import engine
from labeling.models import AuditEntry, Item
from labeling.selectors_counts import project_counts_stored, project_progress_counts
from labeling.services import annotation_submit, assignment_skip, items_delete
from labeling.services.counts import project_counts_full, project_counts_rebuild
from labeling.services.imports import import_file
from review.models import Flag
from review.selectors import figures
from review.selectors.figures_counted import progress_counted, throughput_counted
from review.selectors.flag_counts import open_flags_counted
from review.services import decisions as decide
from review.services.flag_counts import flag_counts_full, flag_counts_rebuild, flag_counts_stored
from review.services.flags import item_flags_refresh
from review.services.undo import decision_undo

pytestmark = pytest.mark.django_db


def _import(project, tmp_path, annotators):
    names = [user.username for user in annotators]
    lines = [
        {"id": "c1", "data": {"text": "Meh."}, "annotations": [
            {"annotator": name, "value": {"label": label}}
            for name, label in zip(names, ("positive", "negative", "neutral"), strict=True)]},
        {"id": "c2", "data": {"text": "Hm."}, "annotations": [
            {"annotator": name, "value": {"label": label}}
            for name, label in zip(names, ("negative", "positive", "neutral"), strict=True)]},
        {"id": "a1", "data": {"text": "Great."}, "annotations": [
            {"annotator": name, "value": {"label": "positive"}, "created_at": "2026-01-02T23:30:00-02:00"}
            for name in names]},
        *({"id": f"u{n}", "data": {"text": f"Plain {n}."}} for n in range(6)),
    ]
    path = tmp_path / "items.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    import_file(project=project, path=path)
    return {item.external_id: item for item in Item.objects.filter(project=project)}


def _submit_some(project, users):
    for user in users:
        assignment = engine.next_item(project, user)
        annotation_submit(assignment_id=assignment.pk, user=user, value={"label": "positive"})
    skipped = engine.next_item(project, users[0])
    assignment_skip(assignment_id=skipped.pk, user=users[0])


def _entry(action):
    return AuditEntry.objects.filter(action=action).latest("id")


def assert_counters_match_the_rows(project):
    assert project_counts_stored(project.pk) == project_counts_full(project.pk)
    assert flag_counts_stored(project.pk) == flag_counts_full(project.pk)
    live: dict[str, int] = {}
    for (reason, _), n in flag_counts_full(project.pk).items():
        live[reason] = live.get(reason, 0) + n
    assert dict(open_flags_counted(project)) == live
    scanned, counted = figures.progress(project), progress_counted(project)
    for key in ("total", "done", "in_progress", "remaining", "needed", "active_leases"):
        assert counted[key] == scanned[key], key


def test_a_mixed_series_of_operations_keeps_every_counter_equal_to_a_full_recompute(
    project, annotators, reviewer, lead, tmp_path, django_capture_on_commit_callbacks
):
    items = _import(project, tmp_path, annotators)
    assert_counters_match_the_rows(project)
    _submit_some(project, annotators)
    item_flags_refresh(item_id=items["c1"].pk)  # contested: flagged
    project.max_overlap = 4
    project.save()
    item_flags_refresh(item_id=items["c2"].pk)  # contested: one more annotator instead
    assert Item.objects.get(pk=items["c2"].pk).target_overlap == 4
    assert Flag.objects.filter(item=items["c1"]).exists()
    assert_counters_match_the_rows(project)

    decide.final_label_set(item=items["c1"], reviewer=reviewer, value={"label": "negative"})
    assert_counters_match_the_rows(project)
    decision_undo(project_id=project.pk, entry_id=_entry("review.final").pk, reviewer=reviewer)
    assert_counters_match_the_rows(project)
    flag = Flag.objects.filter(item=items["c1"]).first()
    decide.flag_dismiss(flag=flag, reviewer=reviewer, reason="fine as is")
    assert_counters_match_the_rows(project)
    decision_undo(project_id=project.pk, entry_id=_entry("review.dismiss").pk, reviewer=reviewer)
    assert_counters_match_the_rows(project)

    decide.final_label_set(item=items["a1"], reviewer=reviewer, value={"label": "positive"})
    decide.item_send_back(item=items["a1"], reviewer=lead, note="look again")
    assert_counters_match_the_rows(project)

    with django_capture_on_commit_callbacks(execute=True):
        items_delete(project=project, item_ids=[items["c1"].pk, items["u0"].pk], actor=lead)
    assert_counters_match_the_rows(project)
    assert project_counts_rebuild(project_id=project.pk) == project_counts_stored(project.pk)


def test_counters_read_done_in_progress_and_remaining_with_the_overlap_of_now(
    project, annotators, tmp_path
):
    _import(project, tmp_path, annotators)
    assert project_progress_counts(project)["done"] == 3  # c1, c2, a1 have 3 of overlap 3

    project.overlap = 4
    project.save()

    counted, scanned = project_progress_counts(project), figures.progress(project)
    assert (counted["done"], counted["in_progress"], counted["remaining"]) == (0, 3, 6)
    assert (scanned["done"], scanned["in_progress"], scanned["remaining"]) == (0, 3, 6)


def test_imported_annotations_count_on_their_own_utc_day(project, annotators, tmp_path):
    _import(project, tmp_path, annotators)

    stored = project_counts_stored(project.pk)

    assert stored["d:2026-01-03"] == 3  # 23:30 at UTC-2 is the next day in UTC
    assert sum(count for _, count in throughput_counted(project)) == 6  # c1 and c2, today


def test_a_flag_count_rebuild_mends_counters_that_drifted(project, annotators, tmp_path):
    items = _import(project, tmp_path, annotators)
    item_flags_refresh(item_id=items["c1"].pk)
    Flag.objects.filter(item=items["c1"]).delete()  # behind the counters' back

    flag_counts_rebuild(project_id=project.pk)

    assert open_flags_counted(project) == []
    assert flag_counts_full(project.pk) == {}


def test_an_import_parsed_in_a_child_process_counts_what_it_wrote(
    project, annotators, tmp_path, monkeypatch
):
    monkeypatch.setattr("labeling.importers.load.copy.FORK_MIN_BYTES", 0)  # PostgreSQL: fork

    _import(project, tmp_path, annotators)

    assert project_counts_stored(project.pk) == project_counts_full(project.pk)
    assert project_progress_counts(project)["total"] == 9
