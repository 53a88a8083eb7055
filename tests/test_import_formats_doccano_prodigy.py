"""doccano and Prodigy JSONL exports import with their annotators and values."""

from __future__ import annotations

import pytest

from labeling.exceptions import ImportFailed
from labeling.models import Item
from labeling.services.imports import import_file
from tests.factories import ProjectFactory
from tests.factories_formats import schema, stored_annotations, stored_items, write_lines

pytestmark = pytest.mark.django_db


def test_doccano_text_classification_file_is_one_annotator_named_after_the_file(tmp_path):
    project = ProjectFactory(schema=schema("single", ["positive", "negative"]))
    lines = [
        {"id": 1, "text": "Loved it.", "label": ["positive"], "Comments": []},
        {"id": 2, "text": "Meh.", "label": [], "Comments": []},
        {"id": 3, "text": "Broken on arrival.", "label": ["negative"], "Comments": []},
    ]

    import_file(project=project, path=write_lines(tmp_path / "alice.jsonl", lines))

    assert stored_items(project) == {"1": {"text": "Loved it."}, "2": {"text": "Meh."}, "3": {"text": "Broken on arrival."}}
    assert stored_annotations(project) == {("1", "alice"): {"label": "positive"}, ("3", "alice"): {"label": "negative"}}


def test_doccano_sequence_labeling_reads_offset_lists_and_the_entities_variant(tmp_path):
    project = ProjectFactory(schema=schema("spans", ["PER", "LOC"]))
    lists = [{"id": 10, "text": "Marie Curie lived in Paris.", "label": [[0, 11, "PER"], [21, 26, "LOC"]]}]
    entities = [{"id": 11, "text": "Bob is in Oslo.", "entities": [
        {"id": 5, "label": "PER", "start_offset": 0, "end_offset": 3},
        {"id": 6, "label": "LOC", "start_offset": 10, "end_offset": 14},
    ], "relations": []}]

    import_file(project=project, path=write_lines(tmp_path / "bob.jsonl", lists))
    import_file(project=project, path=write_lines(tmp_path / "carol.jsonl", entities))

    assert stored_annotations(project) == {
        ("10", "bob"): {"spans": [{"start": 0, "end": 11, "label": "PER"}, {"start": 21, "end": 26, "label": "LOC"}]},
        ("11", "carol"): {"spans": [{"start": 0, "end": 3, "label": "PER"}, {"start": 10, "end": 14, "label": "LOC"}]},
    }


def test_doccano_malformed_span_is_reported_with_its_line_and_nothing_is_imported(tmp_path):
    project = ProjectFactory(schema=schema("spans", ["PER"]))
    lines = [{"id": 1, "text": "Ann.", "label": [[0, 3, "PER"]]}, {"id": 2, "text": "Ben.", "label": [[0, "PER"]]}]

    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=write_lines(tmp_path / "dan.jsonl", lines), fmt="doccano")

    assert raised.value.details == [{"line": 2, "message": 'doccano JSONL, line 2: item 2: label 1 must be [start, end, "TAG"]'}]
    assert not Item.objects.filter(project=project).exists()


def input_hash(text):
    """A stand-in for Prodigy's input hash: any stable integer per text."""
    return sum(map(ord, text)) * 31 + len(text)


def prodigy_line(text, session, answer, **fields):
    return {"text": text, "_input_hash": input_hash(text), "_task_hash": 7, "_session_id": session, "_view_id": "choice", "answer": answer, **fields}


def test_prodigy_choice_answers_group_by_input_with_sessions_as_annotators_and_skip_rejects(tmp_path):
    project = ProjectFactory(schema=schema("single", ["SPORTS", "POLITICS"]))
    options = [{"id": "SPORTS", "text": "Sports"}, {"id": "POLITICS", "text": "Politics"}]
    lines = [
        prodigy_line("Cup final tonight", "news-alice", "accept", options=options, accept=["SPORTS"]),
        prodigy_line("Cup final tonight", "news-bob", "accept", options=options, accept=["SPORTS"]),
        prodigy_line("Vote on Sunday", "news-alice", "accept", options=options, accept=["POLITICS"]),
        prodigy_line("Vote on Sunday", "news-bob", "reject", options=options, accept=["SPORTS"]),
        prodigy_line("Vote on Sunday", "news-carol", "ignore", options=options, accept=[]),
    ]

    import_file(project=project, path=write_lines(tmp_path / "news.jsonl", lines))

    cup, vote = str(input_hash("Cup final tonight")), str(input_hash("Vote on Sunday"))
    assert stored_items(project) == {cup: {"text": "Cup final tonight"}, vote: {"text": "Vote on Sunday"}}
    assert stored_annotations(project) == {
        (cup, "news-alice"): {"label": "SPORTS"},
        (cup, "news-bob"): {"label": "SPORTS"},
        (vote, "news-alice"): {"label": "POLITICS"},
    }


def test_prodigy_spans_and_binary_labels_import(tmp_path):
    spans = ProjectFactory(schema=schema("spans", ["ORG"]))
    binary = ProjectFactory(schema=schema("single", ["INSULT", "OK"]))
    ner = [prodigy_line("Apple hires.", "ner-ann", "accept", spans=[{"start": 0, "end": 5, "token_start": 0, "token_end": 0, "label": "ORG"}])]
    textcat = [prodigy_line("You fool", "tox-ann", "accept", label="INSULT"), prodigy_line("Nice", "tox-ann", "reject", label="INSULT")]

    import_file(project=spans, path=write_lines(tmp_path / "ner.jsonl", ner))
    import_file(project=binary, path=write_lines(tmp_path / "tox.jsonl", textcat))

    apple, fool = str(input_hash("Apple hires.")), str(input_hash("You fool"))
    assert stored_annotations(spans) == {(apple, "ner-ann"): {"spans": [{"start": 0, "end": 5, "label": "ORG"}]}}
    assert stored_annotations(binary) == {(fool, "tox-ann"): {"label": "INSULT"}}
    assert Item.objects.filter(project=binary).count() == 2


def test_prodigy_answer_with_two_choices_in_a_single_label_project_is_refused(tmp_path):
    project = ProjectFactory(schema=schema("single", ["A", "B"]))
    lines = [prodigy_line("x", "s-1", "accept", options=[{"id": "A"}, {"id": "B"}], accept=["A", "B"])]

    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=write_lines(tmp_path / "p.jsonl", lines))

    assert raised.value.details == [{"line": 1, "message": (
        f"Prodigy JSONL, line 1: item {input_hash('x')}: a single-label project takes one label; the file gives 2: ['A', 'B']")}]
