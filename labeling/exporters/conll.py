"""CoNLL 2003 (BIO) export of a spans project: one token per line with its tag.

Layout, as the CoNLL 2003 NER files and the tools that read them (spaCy's `convert`, flair,
Label Studio's CONLL2003 export) have it: each document opens with the line
"-DOCSTART- -X- -X- O" and a blank line, then one line per token in four space-separated
columns "token -X- _ TAG" (no part-of-speech or chunk tags: placeholders), and a blank line ends
it. One item is one document (one sentence block: texts are not split into sentences), in item
id order. Tokens follow labeling.exporters.tokens; tags are BIO (B-PER, I-PER, O); a space inside a
label becomes "_" in its tag, since columns are split on whitespace.

Which value is written follows the `source` option (labeling.exporters.labelled_items): by
default the final value if the item is settled, else its aggregate; items with neither are left
out. With source "annotators" every annotation is its own document. The file carries no item
ids (the format has no place for them): documents follow item id order.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from labeling.exporters.labelled_items import chosen_values, item_chunks
from labeling.exporters.tokens import bio_tags, token_offsets
from labeling.models import Project
from labeling.values import class_key

DOCSTART = "-DOCSTART- -X- -X- O\n\n"


def export_conll(
    project: Project, *, include: str = "all", source: str = "settled"
) -> Iterator[str]:
    """Yield the CoNLL text, one chunk per CHUNK_ITEMS items (`include` does not apply)."""
    for items in item_chunks(project, annotations=source == "annotators"):
        yield "".join(
            conll_document(item.text, value)
            for item in items
            for _, value in chosen_values(item, source)
        )


def conll_document(text: str, value: Any) -> str:
    """One document: the DOCSTART header, a line per token, and the closing blank line."""
    tokens = token_offsets(text)
    tags = bio_tags(tokens, class_key(value, "spans") or ())
    lines = [
        f"{text[start:end]} -X- _ {tag}\n" for (start, end), tag in zip(tokens, tags, strict=True)
    ]
    return DOCSTART + "".join(lines) + "\n"
