"""spaCy-compatible JSON Lines export of a spans project.

One line per record: {"text": ..., "spans": [{"start", "end", "label"}], "meta": {"id": ...}},
the shape spaCy's and Prodigy's tooling reads (`doc.char_span(start, end, label=label)` for each
span). Offsets are character offsets into "text". Spaces at a span's edges are trimmed (spaCy
tokens never include them, so char_span would return None); a span left empty is dropped.
Overlapping spans are kept (they fit doc.spans; doc.ents needs them disjoint). Spans are sorted
by start, then end. Offsets are not moved to spaCy's token boundaries (spaCy is not a runtime
dependency, and its tokenizer depends on the language): a span that cuts a spaCy token (its
English tokenizer keeps "Corp." whole) needs doc.char_span(..., alignment_mode="expand").

The value follows the `source` option (labeling.exporters.labelled_items): by default the final
value when settled, else the aggregate; with source "annotators" one line per annotation and
"meta" also names the annotator.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from labeling.exporters.labelled_items import chosen_values, item_chunks
from labeling.models import Project
from labeling.values import class_key


def export_spacy_jsonl(
    project: Project, *, include: str = "all", source: str = "settled"
) -> Iterator[str]:
    """Yield JSON Lines text, one chunk per CHUNK_ITEMS items (`include` does not apply)."""
    for items in item_chunks(project, annotations=source == "annotators"):
        lines = []
        for item in items:
            for annotator, value in chosen_values(item, source):
                meta = (
                    {"id": item.external_id}
                    if annotator is None
                    else {"id": item.external_id, "annotator": annotator}
                )
                record = {"text": item.text, "spans": spacy_spans(item.text, value), "meta": meta}
                lines.append(json.dumps(record, ensure_ascii=False) + "\n")
        yield "".join(lines)


def spacy_spans(text: str, value: Any) -> list[dict[str, Any]]:
    """The value's spans with whitespace trimmed from their edges (empty ones dropped)."""
    spans = []
    for start, end, label in class_key(value, "spans") or ():
        piece = text[start:end]
        trimmed_start = start + len(piece) - len(piece.lstrip())
        trimmed_end = end - (len(piece) - len(piece.rstrip()))
        if trimmed_end > trimmed_start:
            spans.append({"start": trimmed_start, "end": trimmed_end, "label": label})
    return spans
