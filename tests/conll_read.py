"""Read a CoNLL 2003 (BIO) file back into character spans, for the export tests.

A stand-in for the CoNLL importer (labeling.importers, built in parallel): documents split on
-DOCSTART- lines, the token in the first column, the tag in the last; character offsets are
recovered by finding each token in the document's original text, in order.
"""

from __future__ import annotations


def conll_documents(text: str) -> list[list[tuple[str, str]]]:
    """The (token, tag) lines of each document, in file order."""
    documents: list[list[tuple[str, str]]] = []
    for line in text.splitlines():
        columns = line.split()
        if not columns:
            continue
        if columns[0] == "-DOCSTART-":
            documents.append([])
        else:
            documents[-1].append((columns[0], columns[-1]))
    return documents


def bio_spans(original: str, lines: list[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Character spans of a document's B-/I- runs, the tokens located in `original`."""
    spans: list[tuple[int, int, str]] = []
    position = 0
    for token, tag in lines:
        start = original.index(token, position)
        position = start + len(token)
        if tag.startswith("B-") or (tag.startswith("I-") and (not spans or spans[-1][2] != tag[2:])):
            spans.append((start, position, tag[2:]))
        elif tag.startswith("I-"):
            spans[-1] = (spans[-1][0], position, spans[-1][2])
    return spans
