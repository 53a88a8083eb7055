"""CoNLL 2003 BIO: a token per line with its tag in the last column, sentences apart by blank lines.

Each sentence becomes an item whose text is its tokens joined by single spaces, with the
spans' character offsets computed on that text; "-DOCSTART-" lines are skipped. B-X starts
a span, I-X continues one of the same type (or starts one, as in IOB1), O is outside. The
file is one annotator's labels, named after the file; item ids are <file>-<sentence number>.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from labeling.importers.parse.foreign.base import FormatContext, FormatError, record_of
from labeling.importers.parse.records import ItemRecord, RowError

TITLE = "CoNLL BIO"


def read_conll(stream: BinaryIO, context: FormatContext) -> Iterator[ItemRecord | RowError]:
    if context.kind != "spans":
        yield RowError(0, f"{TITLE}: a CoNLL file holds spans; this project's kind is {context.kind}")
        return
    sentence: list[tuple[int, str, str]] = []
    number = 0
    for line, text in _lines(stream):
        if text is None:
            yield RowError(line, f"{TITLE}: line {line} is not UTF-8")
            continue
        columns = text.split()
        if columns and columns[0] == "-DOCSTART-":
            continue
        if columns:
            sentence.append((line, columns[0], columns[-1] if len(columns) > 1 else ""))
            continue
        if sentence:
            number += 1
            yield _item(sentence, number, context)
            sentence = []
    if sentence:
        yield _item(sentence, number + 1, context)


def _lines(stream: BinaryIO) -> Iterator[tuple[int, str | None]]:
    for number, raw in enumerate(stream, start=1):
        try:
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            yield number, None


def _item(sentence: list[tuple[int, str, str]], number: int, context: FormatContext) -> ItemRecord | RowError:
    first = sentence[0][0]
    try:
        text, spans = _spans(sentence)
    except FormatError as error:
        return RowError(error.line, f"{TITLE}, line {error.line}: {error.message}")
    item: dict[str, Any] = {
        "id": f"{context.file_annotator}-{number}",
        "data": {"text": text},
        "annotations": [{"annotator": context.file_annotator, "value": {"spans": spans}}],
    }
    return record_of(item, first)


def _spans(sentence: list[tuple[int, str, str]]) -> tuple[str, list[dict[str, Any]]]:
    """The sentence's text and its spans from the BIO tags."""
    spans: list[dict[str, Any]] = []
    offset, open_span = 0, None
    for line, token, tag in sentence:
        if not tag:
            raise FormatError(line, f"token {token!r} has no tag column")
        prefix, _, label = tag.partition("-")
        if tag != "O" and (prefix not in ("B", "I") or not label):
            raise FormatError(line, f"tag {tag!r} is not O, B-TYPE or I-TYPE")
        if tag == "O" or prefix == "B" or open_span is None or open_span["label"] != label:
            open_span = None
            if tag != "O":
                open_span = {"start": offset, "end": offset + len(token), "label": label}
                spans.append(open_span)
        else:
            open_span["end"] = offset + len(token)
        offset += len(token) + 1
    return " ".join(token for _, token, _ in sentence), spans
