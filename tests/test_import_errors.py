"""Bad import files: each problem gets its own message with a line number, and nothing is written."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from labeling.exceptions import ImportFailed
from labeling.models import Annotation, Item, Prediction
from labeling.services.imports import import_file
from tests.factories import ItemFactory
from tests.factories_import import item_line, jsonl_write

pytestmark = pytest.mark.django_db


def failed_import(project, path, **options):
    """Run the import expecting failure; check nothing was written; return the error details."""
    before = (Item.objects.count(), Annotation.objects.count(), Prediction.objects.count())
    with pytest.raises(ImportFailed) as failure:
        import_file(project=project, path=path, **options)
    assert (Item.objects.count(), Annotation.objects.count(), Prediction.objects.count()) == before
    assert "nothing was imported" in failure.value.message
    return failure.value.details


def test_malformed_json_line_is_reported_with_its_line_number(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1"), '{"id": "a2", "data": {', item_line("a3")])

    details = failed_import(project, path)

    assert details == [{"line": 2, "message": details[0]["message"]}]
    assert details[0]["message"].startswith("invalid JSON at column")


def test_every_bad_line_is_reported_not_just_the_first(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", ["not json", item_line("ok"), "[1, 2", '{"data": {}}'])

    details = failed_import(project, path)

    assert [d["line"] for d in details] == [1, 3, 4]
    assert details[2]["message"] == "missing field 'id'"


def test_wrong_encoding_names_the_byte_and_line(project, tmp_path):
    good = json.dumps(item_line("a1")).encode() + b"\n"
    bad = json.dumps(item_line("a2", "caf\u00e9")).encode("utf-8").replace(b"\\u00e9", b"\xe9") + b"\n"
    path = tmp_path / "latin1.jsonl"
    path.write_bytes(good + bad)

    details = failed_import(project, path)

    byte = len(good) + bad.index(b"\xe9")
    assert details == [{"line": 2, "message": details[0]["message"]}]
    assert f"not UTF-8 at byte {byte} (line 2)" in details[0]["message"]


def test_wrong_encoding_in_a_json_array_is_reported(project, tmp_path):
    path = tmp_path / "i.json"
    raw = b'[\n{"id": "a", "data": {"text": "caf\xe9"}}\n]'
    path.write_bytes(raw)

    details = failed_import(project, path)

    byte = raw.index(b"\xe9")
    assert f"not UTF-8 at byte {byte} (line 2)" in details[0]["message"]


def test_missing_data_field_is_reported(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", [{"id": "a1", "text": "no data wrapper"}])

    details = failed_import(project, path)

    assert details == [{"line": 1, "message": "missing field 'data'"}]


def test_missing_text_in_data_is_reported(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", [{"id": "a1", "data": {"body": "x"}}])

    details = failed_import(project, path)

    assert details == [{"line": 1, "message": "item a1: data.text must be a string"}]


def test_csv_missing_columns_are_named(project, tmp_path):
    path = tmp_path / "i.csv"
    path.write_text("key,annotator,label\n1,alice,positive\n", encoding="utf-8")

    details = failed_import(project, path)

    assert details[0]["line"] == 1
    assert "missing column(s) id, text" in details[0]["message"]


def test_csv_row_with_annotator_but_no_label_is_reported(project, tmp_path):
    path = tmp_path / "i.csv"
    path.write_text("id,text,annotator,label\n1,hello,alice,\n", encoding="utf-8")

    details = failed_import(project, path)

    assert details == [{"line": 2, "message": "annotator alice has no label (column 'label' or 'value')"}]


def test_duplicate_ids_within_the_file_are_reported(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1"), item_line("a2"), item_line("a1")])

    details = failed_import(project, path)

    assert details == [{"line": 3, "message": "duplicate id a1 (it appears earlier in the file)"}]


def test_ids_already_in_the_project_are_reported(project, tmp_path):
    ItemFactory(project=project, external_id="a2")
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1"), item_line("a2")])

    details = failed_import(project, path)

    assert details == [{"line": 2, "message": "id a2 already exists in the project"}]
    assert Item.objects.filter(project=project).count() == 1


def test_value_outside_the_schema_names_item_and_line(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1"), item_line("a2", alice="sarcastic")])

    details = failed_import(project, path)

    assert details[0]["line"] == 2
    assert details[0]["message"].startswith("item a2: annotation by alice: label 'sarcastic' is not in the schema")


def test_prediction_outside_the_schema_is_reported(project, tmp_path):
    line = item_line("a1")
    line["predictions"] = [{"model": "m1", "value": {"label": "nope"}}]
    path = jsonl_write(tmp_path / "i.jsonl", [line])

    details = failed_import(project, path)

    assert details[0]["message"].startswith("item a1: prediction of m1: label 'nope'")


def test_repeated_annotator_on_one_item_is_an_error_by_default(project, tmp_path):
    path = tmp_path / "i.csv"
    path.write_text(
        "id,text,annotator,label\nc1,t,alice,positive\nc1,t,bob,neutral\nc1,t,alice,negative\n",
        encoding="utf-8",
    )

    details = failed_import(project, path)

    assert details == [
        {
            "line": 4,
            "message": "item c1: annotator alice labels it twice (lines 2 and 4); keep the first with --dedupe first",
        }
    ]


def test_dedupe_keeps_the_first_of_repeated_annotations(project, tmp_path):
    path = tmp_path / "i.csv"
    path.write_text("id,text,annotator,label\nc1,t,alice,positive\nc1,t,alice,negative\n", encoding="utf-8")

    counts = import_file(project=project, path=path, dedupe=True)

    assert counts.annotations == 1
    assert Annotation.objects.get().value == {"label": "positive"}


def test_errors_stop_at_fifty(project, tmp_path):
    path = jsonl_write(tmp_path / "i.jsonl", ["{bad"] * 80)

    with pytest.raises(ImportFailed) as failure:
        import_file(project=project, path=path)

    assert len(failure.value.details) == 50
    assert "stopped at the first 50" in failure.value.message


def test_json_array_syntax_error_is_reported_with_its_line(project, tmp_path):
    path = tmp_path / "i.json"
    path.write_text('[\n{"id": "a", "data": {"text": "x"}},\n{"id": "b", "data": {"text": }}\n]', encoding="utf-8")

    details = failed_import(project, path)

    assert details == [{"line": 3, "message": "invalid JSON: Expecting value"}]


def test_json_that_is_not_an_array_is_reported(project, tmp_path):
    path = tmp_path / "i.json"
    path.write_text('{"id": "a"}', encoding="utf-8")

    details = failed_import(project, path)

    assert details == [{"line": 1, "message": "a JSON import must be an array of item objects"}]


def test_unknown_file_type_is_refused(project, tmp_path):
    path = tmp_path / "items.txt"
    path.write_text("hello", encoding="utf-8")

    with pytest.raises(ImportFailed, match=r"Cannot tell the format of items\.txt"):
        import_file(project=project, path=path)


def test_import_items_command_prints_each_error_and_fails(project, tmp_path, capsys):
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1"), "{oops", item_line("a1")])

    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_items", project.name, str(path))

    err = capsys.readouterr().err
    assert "line 2: invalid JSON" in err
    assert "line 3: duplicate id a1" in err
    assert Item.objects.count() == 0


def test_ids_added_by_someone_else_during_the_import_fail_cleanly(project, tmp_path, monkeypatch):
    ItemFactory(project=project, external_id="a2")
    # As if the ids were looked up before someone else added a2 (pass 1, or the empty-project shortcut).
    monkeypatch.setattr("labeling.importers.parse.checks._check_existing", lambda *args: None)
    monkeypatch.setattr("labeling.importers.load.copy.project_has_items", lambda project: False)
    path = jsonl_write(tmp_path / "i.jsonl", [item_line("a1", alice="positive"), item_line("a2")])

    details = failed_import(project, path)

    assert details == [{"line": 0, "message": "ids clash with items added meanwhile; retry the import"}]
    assert list(project.items.values_list("external_id", flat=True)) == ["a2"]


@pytest.mark.parametrize(
    "text",
    ['{"id": 1}\n', '{"id": 1}', '  {"id": 1}\n', '{"id": 1} \r\n', '{"id": 1} x\n', '{"id": 1}{"id": 2}\n', "{oops\n", "\n", "[1, 2]\n", '"s"\n'],
)
def test_the_jsonl_line_decoder_agrees_with_json_loads(text):
    from labeling.importers.parse.jsonl import json_line

    try:
        expected = ("ok", json.loads(text))
    except json.JSONDecodeError as error:
        expected = ("error", error.msg, error.colno)
    try:
        got = ("ok", json_line(text))
    except json.JSONDecodeError as error:
        got = ("error", error.msg, error.colno)

    assert got == expected
