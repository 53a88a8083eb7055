"""Spans exports: CoNLL 2003 (BIO) and spaCy JSON Lines, with the value-source rule."""

from __future__ import annotations

import json

import pytest
import spacy
from django.core.management import call_command

from labeling.exceptions import ValueInvalid
from labeling.exporters.tokens import bio_tags, token_offsets
from labeling.services.exports import export_stream
from tests.conll_read import bio_spans, conll_documents
from tests.factories import AnnotationFactory, ItemFactory, ProjectFactory, UserFactory
from tests.factories_export import SPANS_SCHEMA

pytestmark = pytest.mark.django_db

TEXT = "Ann Lee met Acme Corp in New York-based offices."
#       0123456789012345678901234567890123456789012345678
SETTLED = [
    {"start": 0, "end": 7, "label": "PER"},
    {"start": 12, "end": 21, "label": "ORG"},
    {"start": 25, "end": 33, "label": "LOC"},
]


def spans_value(*spans):
    return {"spans": [{"start": s, "end": e, "label": label} for s, e, label in spans]}


@pytest.fixture
def spans_project(db):
    project = ProjectFactory(schema=SPANS_SCHEMA)
    ItemFactory(project=project, external_id="settled", data={"text": TEXT}, final_value={"spans": SETTLED},
                aggregate_value=spans_value((0, 3, "PER")))  # fmt: skip
    ItemFactory(project=project, external_id="aggregated", data={"text": "Bo and Cy saw Paris"},
                aggregate_value=spans_value((0, 2, "PER"), (7, 9, "PER"), (14, 19, "LOC")))  # fmt: skip
    ItemFactory(project=project, external_id="unlabelled", data={"text": "nothing settled here"})
    return project


def text_of(project, fmt, **options):
    return "".join(export_stream(project=project, fmt=fmt, **options))


def test_tokens_are_word_runs_or_single_punctuation_marks():
    text = "New York-based, ünï_1!"

    assert [text[s:e] for s, e in token_offsets(text)] == ["New", "York", "-", "based", ",", "ünï_1", "!"]


def test_conll_writes_docstart_and_one_token_per_line_with_bio_tags(spans_project):
    first = text_of(spans_project, "conll").split("-DOCSTART- -X- -X- O\n\n")[1]

    assert first.splitlines() == [
        "Ann -X- _ B-PER", "Lee -X- _ I-PER", "met -X- _ O", "Acme -X- _ B-ORG", "Corp -X- _ I-ORG",
        "in -X- _ O", "New -X- _ B-LOC", "York -X- _ I-LOC", "- -X- _ O", "based -X- _ O",
        "offices -X- _ O", ". -X- _ O", "",
    ]  # fmt: skip


def test_conll_takes_the_final_value_else_the_aggregate_and_leaves_out_unlabelled_items(spans_project):
    documents = conll_documents(text_of(spans_project, "conll"))

    assert len(documents) == 2
    assert bio_spans(TEXT, documents[0]) == [(s["start"], s["end"], s["label"]) for s in SETTLED]
    assert bio_spans("Bo and Cy saw Paris", documents[1]) == [(0, 2, "PER"), (7, 9, "PER"), (14, 19, "LOC")]


def test_conll_source_aggregate_ignores_the_final_value(spans_project):
    documents = conll_documents(text_of(spans_project, "conll", source="aggregate"))

    assert bio_spans(TEXT, documents[0]) == [(0, 3, "PER")]


def test_conll_parses_back_into_the_same_spans_adjacent_ones_included():
    project = ProjectFactory(schema=SPANS_SCHEMA)
    text = "Paris Berlin London, and the U.N. in Rome."
    spans = [(0, 5, "LOC"), (6, 12, "LOC"), (13, 19, "LOC"), (29, 33, "ORG"), (37, 41, "LOC")]
    ItemFactory(project=project, data={"text": text}, final_value=spans_value(*spans))

    (document,) = conll_documents(text_of(project, "conll"))

    assert [tag for _, tag in document][:3] == ["B-LOC", "B-LOC", "B-LOC"]
    assert bio_spans(text, document) == spans


def test_conll_source_annotators_writes_one_document_per_annotation(spans_project):
    item = ItemFactory(project=spans_project, data={"text": "Al here"})
    AnnotationFactory(item=item, annotator=UserFactory(username="a1"), value=spans_value((0, 2, "PER")))
    AnnotationFactory(item=item, annotator=UserFactory(username="a2"), value=spans_value((0, 2, "ORG")))

    documents = conll_documents(text_of(spans_project, "conll", source="annotators"))

    assert [doc[0] for doc in documents] == [("Al", "B-PER"), ("Al", "B-ORG")]


def test_bio_takes_whole_tokens_and_drops_a_span_overlapping_an_earlier_one():
    text = "Johnson & Johnson Inc"
    tokens = token_offsets(text)

    tags = bio_tags(tokens, [(2, 5, "PER"), (0, 21, "ORG"), (10, 17, "PER")])

    assert tags == ["B-ORG", "I-ORG", "I-ORG", "I-ORG"]
    assert bio_tags(tokens, [(2, 5, "PER")]) == ["B-PER", "O", "O", "O"]


def test_a_label_with_spaces_keeps_the_tag_one_column():
    tags = bio_tags(token_offsets("Big Co"), [(0, 6, "Named entity")])

    assert tags == ["B-Named_entity", "I-Named_entity"]


def test_spacy_jsonl_spans_load_with_doc_char_span_and_keep_their_labels(spans_project):
    nlp = spacy.blank("en")
    records = [json.loads(line) for line in text_of(spans_project, "spacy").splitlines()]

    assert [record["meta"]["id"] for record in records] == ["settled", "aggregated"]
    for record in records:
        doc = nlp.make_doc(record["text"])
        found = [doc.char_span(s["start"], s["end"], label=s["label"]) for s in record["spans"]]
        assert None not in found
        assert [(span.text, span.label_) for span in found] == [
            (record["text"][s["start"] : s["end"]], s["label"]) for s in record["spans"]
        ]
    assert [span["label"] for span in records[0]["spans"]] == ["PER", "ORG", "LOC"]
    doc = nlp.make_doc(records[0]["text"])
    doc.ents = [doc.char_span(s["start"], s["end"], label=s["label"]) for s in records[0]["spans"]]
    assert [ent.text for ent in doc.ents] == ["Ann Lee", "Acme Corp", "New York"]


def test_a_span_cutting_a_spacy_token_needs_alignment_mode_expand():
    # spaCy's English tokenizer keeps "Corp." whole; the span stops before the full stop.
    project = ProjectFactory(schema=SPANS_SCHEMA)
    ItemFactory(project=project, data={"text": "Acme Corp. won"}, final_value=spans_value((0, 9, "ORG")))

    (record,) = [json.loads(line) for line in text_of(project, "spacy").splitlines()]
    doc = spacy.blank("en").make_doc(record["text"])

    assert doc.char_span(0, 9, label="ORG") is None
    assert doc.char_span(0, 9, label="ORG", alignment_mode="expand").text == "Acme Corp."


def test_spacy_jsonl_trims_spaces_at_span_edges_so_char_span_finds_them():
    project = ProjectFactory(schema=SPANS_SCHEMA)
    ItemFactory(project=project, data={"text": "see  Rome  now"}, final_value=spans_value((3, 11, "LOC"), (0, 1, "PER")))

    (record,) = [json.loads(line) for line in text_of(project, "spacy").splitlines()]

    assert record["spans"] == [{"start": 0, "end": 1, "label": "PER"}, {"start": 5, "end": 9, "label": "LOC"}]
    doc = spacy.blank("en").make_doc(record["text"])
    assert doc.char_span(5, 9, label="LOC").text == "Rome"


def test_spacy_jsonl_with_annotators_names_each_annotator(spans_project):
    item = ItemFactory(project=spans_project, external_id="two", data={"text": "Al here"})
    AnnotationFactory(item=item, annotator=UserFactory(username="a1"), value=spans_value((0, 2, "PER")))

    records = [json.loads(line) for line in text_of(spans_project, "spacy", source="annotators").splitlines()]

    assert records == [{"text": "Al here", "spans": [{"start": 0, "end": 2, "label": "PER"}], "meta": {"id": "two", "annotator": "a1"}}]


def test_spans_formats_are_refused_for_other_kinds_and_unknown_sources(project, spans_project):
    with pytest.raises(ValueInvalid, match="spans projects"):
        export_stream(project=project, fmt="conll")
    with pytest.raises(ValueInvalid, match="source"):
        export_stream(project=spans_project, fmt="spacy", source="best")


def test_conll_export_streams_in_chunks(spans_project, monkeypatch):
    monkeypatch.setattr("labeling.exporters.labelled_items.CHUNK_ITEMS", 1)

    chunks = list(export_stream(project=spans_project, fmt="conll"))

    assert len(chunks) == 3  # one per item; the unlabelled one is empty
    assert chunks[2] == ""


def test_export_command_writes_conll(spans_project, tmp_path):
    out = tmp_path / "ner.conll"

    call_command("export", str(spans_project.pk), "--format", "conll", "--source", "final", "--output", str(out))

    assert len(conll_documents(out.read_text(encoding="utf-8"))) == 1
