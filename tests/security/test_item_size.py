"""Per-item size limit on every import format, with errors that name it (issue 21).

The probe: a JSON array item over the parser's buffer was reported as "Unterminated string",
and a 200 MB single-line JSONL item was imported (every next/items response then carried it).
"""

from __future__ import annotations

import io
import json

import pytest

from labeling.exceptions import ImportFailed
from labeling.importers.parse.decoding import LineDecoder
from labeling.models import Item
from labeling.services.imports import import_file
from tests.factories_import import item_line, jsonl_write

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


def failure_of(project, path):
    before = Item.objects.filter(project=project).count()
    with pytest.raises(ImportFailed) as failure:
        import_file(project=project, path=path)
    assert Item.objects.filter(project=project).count() == before  # nothing written
    return failure.value.details


def test_a_jsonl_item_over_the_default_limit_of_1_mb_is_refused_naming_the_limit(project, tmp_path):
    path = jsonl_write(tmp_path / "big.jsonl", [item_line("small"), item_line("big", "x" * (2 * MB))])

    details = failure_of(project, path)

    assert details[0]["line"] == 2
    assert "ACCORD_MAX_ITEM_BYTES" in details[0]["message"]
    assert "1,048,576 bytes" in details[0]["message"]
    assert "line 2" in details[0]["message"]


def test_an_item_at_the_limit_is_imported_and_one_byte_more_is_not(project, tmp_path, settings):
    line = json.dumps(item_line("edge", "y"))
    settings.ACCORD_MAX_ITEM_BYTES = len(line.encode())
    import_file(project=project, path=jsonl_write(tmp_path / "ok.jsonl", [line]))
    assert Item.objects.filter(project=project).count() == 1

    settings.ACCORD_MAX_ITEM_BYTES -= 1
    details = failure_of(project, jsonl_write(tmp_path / "over.jsonl", [json.dumps(item_line("over", "y"))]))
    assert "ACCORD_MAX_ITEM_BYTES" in details[0]["message"]


def test_a_json_array_item_over_the_limit_names_the_limit_not_an_unterminated_string(project, tmp_path):
    path = tmp_path / "big.json"
    path.write_text(json.dumps([item_line("a"), item_line("big", "z" * (3 * MB))]), encoding="utf-8")

    details = failure_of(project, path)

    assert "ACCORD_MAX_ITEM_BYTES" in details[0]["message"]
    assert "Unterminated" not in details[0]["message"]


def test_a_json_array_item_over_a_small_limit_is_reported_and_the_rest_checked(project, tmp_path, settings):
    settings.ACCORD_MAX_ITEM_BYTES = 500
    path = tmp_path / "items.json"
    path.write_text(json.dumps([item_line("a"), item_line("b", "w" * 600), item_line("a")], indent=1), encoding="utf-8")

    details = failure_of(project, path)

    messages = [d["message"] for d in details]
    assert "ACCORD_MAX_ITEM_BYTES" in messages[0]
    assert any("duplicate id a" in m for m in messages)  # reading went on after the big item


def test_a_csv_row_over_the_limit_is_refused_naming_the_limit(project, tmp_path, settings):
    settings.ACCORD_MAX_ITEM_BYTES = 1000
    path = tmp_path / "items.csv"
    path.write_text(f"id,text\na,short\nb,{'v' * 2000}\n", encoding="utf-8")

    details = failure_of(project, path)

    assert details[0]["line"] == 3
    assert "ACCORD_MAX_ITEM_BYTES" in details[0]["message"]


def test_a_csv_cell_over_the_csv_field_limit_gets_a_clear_message(project, tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(f"id,text\na,short\nb,\"{'q' * 200_000}\"\n", encoding="utf-8")

    details = failure_of(project, path)

    assert details[0]["line"] == 3
    assert "longer than 131,072 characters" in details[0]["message"]


def test_a_long_line_is_never_held_whole_while_it_is_skipped():
    class Recording(io.BytesIO):
        largest = 0

        def readline(self, size=-1):
            line = super().readline(size)
            Recording.largest = max(Recording.largest, len(line))
            return line

    stream = Recording(b'{"id": 1}\n' + b"x" * (5 * MB) + b'\n{"id": 2}\n')
    decoder = LineDecoder(stream, max_bytes=MB)

    lines = list(decoder)

    assert [text for _, text in lines] == ['{"id": 1}\n', "", '{"id": 2}\n']
    assert [error.line for error in decoder.errors] == [2]
    assert "5,242,880 bytes" in decoder.errors[0].message
    assert Recording.largest <= MB + 2
    assert decoder.bytes_read == len(stream.getvalue())
