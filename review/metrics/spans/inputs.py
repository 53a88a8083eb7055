"""Span annotations in long form: one row per annotation, one row per span."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

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


def _index(names: dict[Any, int], key: Any) -> int:
    """Dense index of ``key``, assigned in first-seen order."""
    return names.setdefault(key, len(names))


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
    found = sorted(
        {s["label"] for rows in annotations.values() for _, spans in rows for s in spans}
    )
    label_list = list(labels) if labels is not None else found
    code_of = {label: c for c, label in enumerate(label_list)}
    if unknown := set(found) - set(code_of):
        raise ValueError(f"labels not in the schema: {sorted(unknown)}")
    names: dict[str, int] = {}
    rows: list[tuple[int, int]] = []
    spans: list[tuple[int, int, int, int]] = []
    for u, key in enumerate(keys):
        seen: set[str] = set()
        for annotator, value in annotations[key]:
            if annotator in seen:
                continue
            seen.add(annotator)
            row = len(rows)
            rows.append((u, _index(names, annotator)))
            spans.extend((row, s["start"], s["end"], code_of[s["label"]]) for s in value)
    ann = np.array(rows, dtype=np.int64).reshape(-1, 2)
    sp = np.array(spans, dtype=np.int64).reshape(-1, 4)
    data = SpanAnnotations(
        items=ann[:, 0],
        annotators=ann[:, 1],
        n_items=len(keys),
        annotator_names=list(names),
        labels=label_list,
        span_rows=sp[:, 0],
        starts=sp[:, 1],
        ends=sp[:, 2],
        codes=sp[:, 3],
        texts=[texts[k] for k in keys],
    )
    return data.clean(), keys
