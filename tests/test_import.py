"""Importing items with annotations and predictions from JSONL, JSON arrays and CSV."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from labeling.models import Annotation, AuditEntry, Item, Membership, Prediction, Role
from labeling.services.imports import import_file
from tests.factories import RATING_SCHEMA, ItemFactory, ProjectFactory, UserFactory
from tests.factories_import import item_line, jsonl_write

pytestmark = pytest.mark.django_db


def test_jsonl_import_creates_items_annotations_and_predictions(project, tmp_path):
    line = item_line("a1", "great film", alice="positive", bob="negative")
    line["predictions"] = [{"model": "m1", "value": {"label": "positive"}, "score": 0.9}]
    path = jsonl_write(tmp_path / "items.jsonl", [line, item_line("a2", "meh")])

    counts = import_file(project=project, path=path)

    assert counts.as_dict() == {"items": 2, "annotations": 2, "predictions": 1, "annotators": 2}
    item = Item.objects.get(project=project, external_id="a1")
    assert item.data == {"text": "great film"}
    assert item.annotation_count == 2
    assert Item.objects.get(external_id="a2").annotation_count == 0
    labels = dict(Annotation.objects.filter(item=item).values_list("annotator__username", "value"))
    assert labels == {"alice": {"label": "positive"}, "bob": {"label": "negative"}}
    prediction = Prediction.objects.get(item=item)
    assert (prediction.model_version, prediction.score) == ("m1", 0.9)


def test_unknown_annotators_become_inactive_members(project, tmp_path):
    path = jsonl_write(tmp_path / "items.jsonl", [item_line("a1", carol="neutral")])

    import_file(project=project, path=path)

    carol = get_user_model().objects.get(username="carol")
    assert not carol.is_active
    assert not carol.has_usable_password()
    assert Membership.objects.get(project=project, user=carol).role == Role.ANNOTATOR


def test_existing_active_users_keep_their_account_and_are_not_added(project, tmp_path):
    dave = UserFactory(username="dave")
    path = jsonl_write(tmp_path / "items.jsonl", [item_line("a1", dave="neutral")])

    import_file(project=project, path=path)

    dave.refresh_from_db()
    assert dave.is_active
    assert not Membership.objects.filter(project=project, user=dave).exists()
    assert Annotation.objects.get(annotator=dave).value == {"label": "neutral"}


def test_annotation_metadata_is_kept(project, tmp_path):
    line = item_line("a1")
    line["annotations"] = [
        {
            "annotator": "alice",
            "value": {"label": "positive"},
            "created_at": "2024-03-01T10:00:00+00:00",
            "guideline_version": 2,
            "lead_time_ms": 4200,
            "unsure": True,
            "comment": "hmm",
        }
    ]
    import_file(project=project, path=jsonl_write(tmp_path / "i.jsonl", [line]))

    annotation = Annotation.objects.get()
    assert annotation.created_at.isoformat() == "2024-03-01T10:00:00+00:00"
    assert (annotation.guideline_version, annotation.lead_time_ms) == (2, 4200)
    assert annotation.unsure
    assert annotation.comment == "hmm"


def test_json_array_import_streams_objects_over_many_lines(project, tmp_path):
    items = [item_line(f"j{i}", f"text {i}", alice="positive") for i in range(30)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items, indent=2), encoding="utf-8")

    counts = import_file(project=project, path=path)

    assert counts.items == 30
    assert Annotation.objects.filter(project=project).count() == 30


def test_json_array_import_handles_chunk_boundaries(project, tmp_path, monkeypatch):
    monkeypatch.setattr("labeling.importers.parse.json_array.CHUNK_BYTES", 7)
    items = [item_line(f"j{i}", "ünïcödé text " * 3, alice="positive") for i in range(5)]
    path = tmp_path / "items.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")

    import_file(project=project, path=path)

    assert Item.objects.get(external_id="j4").data["text"].startswith("ünïcödé")


def test_csv_long_form_merges_rows_of_one_item(project, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(
        "id,text,annotator,label\n"
        "c1,first text,alice,positive\n"
        "c2,\"second, quoted\",alice,negative\n"
        "c1,first text,bob,neutral\n"
        "c3,no labels yet,,\n",
        encoding="utf-8",
    )

    counts = import_file(project=project, path=path)

    assert (counts.items, counts.annotations) == (3, 3)
    assert Item.objects.get(external_id="c1").annotation_count == 2
    assert Item.objects.get(external_id="c2").data == {"text": "second, quoted"}


def test_csv_rating_labels_become_ratings(db, tmp_path):
    project = ProjectFactory(schema=RATING_SCHEMA)
    path = tmp_path / "items.csv"
    path.write_text("id,text,annotator,label\nr1,t,alice,4\n", encoding="utf-8")

    import_file(project=project, path=path)

    assert Annotation.objects.get().value == {"rating": 4}


def test_import_is_audited_and_sends_the_drain_of_its_labeled_items(project, tmp_path, monkeypatch, django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr("labeling.events.enqueue", lambda name, args, **options: sent.append((name, args)))
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1", alice="positive")])

    with django_capture_on_commit_callbacks(execute=True):
        import_file(project=project, path=path)

    assert sent == [("review.process_pending_items", [project.pk])]
    assert json.loads(json.dumps(sent[0][1])) == [project.pk]
    assert AuditEntry.objects.get(action="import").after["items"] == 1


def test_import_adds_to_a_project_that_already_has_items(project, tmp_path):
    ItemFactory(project=project, external_id="old")
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("new")])

    import_file(project=project, path=path)

    assert set(project.items.values_list("external_id", flat=True)) == {"old", "new"}


def test_import_items_command_prints_counts(project, tmp_path, capsys):
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1", alice="positive")])

    call_command("import_items", str(project.pk), str(path))

    out = capsys.readouterr().out
    assert "1 items" in out
    assert "1 annotations" in out


def test_special_characters_survive_the_bulk_write(project, tmp_path):
    odd = "back\\slash\ttab\nnewline \\N \u2028 ünï"
    line = item_line(f"id {odd}", odd)
    line["annotations"] = [{"annotator": "ann\\1", "value": {"label": "neutral"}, "comment": odd}]
    line["predictions"] = [{"model": f"m {odd}", "value": {"label": "neutral"}}]

    import_file(project=project, path=jsonl_write(tmp_path / "i.jsonl", [line]))

    item = Item.objects.get(project=project)
    assert item.external_id == f"id {odd}"
    assert item.data == {"text": odd}
    annotation = Annotation.objects.get(item=item)
    assert (annotation.comment, annotation.annotator.username) == (odd, "ann\\1")
    assert Prediction.objects.get(item=item).model_version == f"m {odd}"
