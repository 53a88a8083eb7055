"""Span annotations in long form: one row per annotation, one row per span."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from review.metrics.long_form import annotation_rows, label_codes, labels_found
from review.metrics.tables import IntArray

# item key -> [(annotator name, [{"start", "end", "label"}, ...]), ...]
SpanMapping = Mapping[Hashable, Sequence[tuple[str, Sequence[Mapping[str, Any]]]]]


@dataclass(frozen=True)
class SpanAnnotations:
    """Annotation rows (``items``, ``annotators``) and span rows pointing at them.

    Span row s belongs to annotation row ``span_rows[s]`` and covers characters
    ``[starts[s], ends[s])`` with label code ``codes[s]`` (an index into
    ``labels``). An annotation with no span row is an empty span list: it still
    counts, saying "nothing here". ``texts[u]`` is item u's text. ``groups``
    maps a grouping name (e.g. "guideline_version") to one key per annotation row.
    """

    items: IntArray
    annotators: IntArray
    n_items: int
    annotator_names: Sequence[str]
    labels: Sequence[str]
    span_rows: IntArray
    starts: IntArray
    ends: IntArray
    codes: IntArray
    texts: Sequence[str]
    groups: Mapping[str, npt.NDArray[np.generic]] = field(default_factory=dict)

    @property
    def n_annotators(self) -> int:
        """Number of annotator slots (names)."""
        return len(self.annotator_names)

    def clean(self) -> SpanAnnotations:
        """Clip spans to their text, drop empty ones and repeats within one annotation.

        Real exports carry spans ending past the text (toxic_spans has 94) and
        the same span twice; neither should count twice or reach past the tokens.
        """
        lengths = np.array([len(t) for t in self.texts], dtype=np.int64)
        limit = lengths[self.items[self.span_rows]]
        starts = np.clip(self.starts, 0, limit)
        ends = np.clip(self.ends, 0, limit)
        columns = (self.span_rows, self.codes, starts, ends)
        order = np.lexsort(columns[::-1])
        sorted_cols = np.stack([c[order] for c in columns])
        new = np.ones(len(order), dtype=bool)
        new[1:] = (sorted_cols[:, 1:] != sorted_cols[:, :-1]).any(axis=0)
        keep = np.sort(order[new & (ends[order] > starts[order])])
        return replace(
            self,
            span_rows=self.span_rows[keep],
            starts=starts[keep],
            ends=ends[keep],
            codes=self.codes[keep],
        )


def span_annotations(
    annotations: SpanMapping, texts: Mapping[Hashable, str], labels: Sequence[str] | None = None
) -> tuple[SpanAnnotations, list[Hashable]]:
    """Long-form span annotations from an item -> [(annotator, spans)] mapping, cleaned.

    ``labels`` fixes the label order (codes); by default the labels seen, sorted.
    A span with a label outside ``labels`` raises ValueError. A second annotation
    of the same item by the same annotator is ignored (the first one counts).
    Returns the data and the item keys in item-index order.
    """
    keys = list(annotations)
    label_list, code_of = label_codes(labels_found(annotations), labels)
    items, annotators, names, values = annotation_rows(annotations)
    spans = [
        (row, s["start"], s["end"], code_of[s["label"]])
        for row, value in enumerate(values)
        for s in value
    ]
    table = np.array(spans, dtype=np.int64).reshape(-1, 4)
    data = SpanAnnotations(
        items=items,
        annotators=annotators,
        n_items=len(keys),
        annotator_names=names,
        labels=label_list,
        span_rows=table[:, 0],
        starts=table[:, 1],
        ends=table[:, 2],
        codes=table[:, 3],
        texts=[texts[k] for k in keys],
    )
    return data.clean(), keys
