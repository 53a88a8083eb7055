"""Tokens of the item texts and the label each annotation gives each token.

A token is a run of word characters (what Python's regex ``\\w`` matches:
letters, digits, underscore, any script) or a single other non-space character
(punctuation, symbols); whitespace separates tokens and is never one. This is
``re.findall(r"\\w+|[^\\w\\s]", text)``, done on code points with numpy so that a
million tokens take well under a second.

Each annotation gives every token of its item one nominal value: the label of
its span covering the token (a span covers a token when they share at least one
character), or "O" (code 0) when none does. When several of one annotator's
spans cover a token, the shortest wins (the most specific), then the label
earliest in the schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from review.metrics.layout import expand, first_per_group
from review.metrics.spans.inputs import SpanAnnotations
from review.metrics.tables import IntArray

OUTSIDE = 0  # token code for "no span"; label c has token code c + 1
SPACE, WORD, SYMBOL = 0, 1, 2


def _classify(points: list[int]) -> list[int]:
    """SPACE / WORD / SYMBOL of each code point, by the ``\\w`` and ``\\s`` rules of Python."""
    return [
        WORD if (ch := chr(p)).isalnum() or ch == "_" else SPACE if ch.isspace() else SYMBOL
        for p in points
    ]


ASCII_CLASSES = np.array(_classify(list(range(128))), dtype=np.int8)


def _char_classes(points: np.ndarray) -> np.ndarray:
    """SPACE / WORD / SYMBOL per code point: a table for ASCII, the few other distinct points in Python."""
    kind: np.ndarray = ASCII_CLASSES[np.minimum(points, 127)]
    wide = points > 127
    if wide.any():
        distinct, inverse = np.unique(points[wide], return_inverse=True)
        kind[wide] = np.array(_classify(distinct.tolist()), dtype=np.int8)[inverse]
    return kind


@dataclass(frozen=True)
class Tokens:
    """All tokens of all items: ``[starts, ends)`` in the joined text, their ``items``.

    ``offsets[u]`` is where item u's text starts in the joined text (texts are
    joined with one newline, so no token crosses two items); ``lengths[u]`` its length.
    """

    starts: IntArray
    ends: IntArray
    items: IntArray
    offsets: IntArray
    lengths: IntArray

    @property
    def count(self) -> int:
        """Number of tokens."""
        return len(self.starts)


def tokenize(texts: Sequence[str]) -> Tokens:
    """Tokenize every text at once (see the module docstring for the rule)."""
    lengths = np.array([len(t) for t in texts], dtype=np.int64)
    offsets = np.cumsum(lengths + 1) - (lengths + 1)
    points = np.frombuffer("\n".join(texts).encode("utf-32-le"), dtype=np.uint32)
    kind = _char_classes(points) if len(points) else np.zeros(0, dtype=np.int8)
    word = kind == WORD
    after_word = np.concatenate([[False], word[:-1]])
    before_word = np.concatenate([word[1:], [False]])
    starts = np.nonzero((kind == SYMBOL) | (word & ~after_word))[0]
    ends = np.nonzero((kind == SYMBOL) | (word & ~before_word))[0] + 1
    items = np.searchsorted(offsets, starts, side="right") - 1
    return Tokens(starts, ends, items.astype(np.int64), offsets, lengths)


@dataclass(frozen=True)
class TokenLabels:
    """The tokens each annotation labelled: one row per (annotation row, token) with a span label.

    Tokens absent for an annotation of their item are "O". ``codes`` are token codes (label + 1).
    """

    rows: IntArray
    tokens: IntArray
    codes: IntArray


def token_labels(data: SpanAnnotations, tokens: Tokens) -> TokenLabels:
    """Label per (annotation, covered token), resolving overlapping spans (see module docstring)."""
    base = tokens.offsets[data.items[data.span_rows]]
    first = np.searchsorted(tokens.ends, base + data.starts, side="right")
    stop = np.searchsorted(tokens.starts, base + data.ends, side="left")
    span, offset = expand(np.maximum(stop - first, 0))
    token = first[span] + offset
    rows = data.span_rows[span]
    length = (data.ends - data.starts)[span]
    order = np.lexsort((data.codes[span], length, token, rows))
    cell = rows[order] * max(tokens.count, 1) + token[order]
    keep = order[first_per_group(cell)]
    return TokenLabels(rows[keep], token[keep], data.codes[span][keep] + 1)


def token_counts(data: SpanAnnotations, tokens: Tokens, labelled: TokenLabels) -> IntArray:
    """Token-by-code count table: how many annotations of the token's item gave it each code.

    Column 0 is "O": the item's annotations minus those that put a label on the token.
    """
    width = len(data.labels) + 1
    flat = labelled.tokens * width + labelled.codes
    counts = np.bincount(flat, minlength=tokens.count * width).reshape(tokens.count, width)
    per_item = np.bincount(data.items, minlength=data.n_items)
    counts[:, OUTSIDE] = per_item[tokens.items] - counts[:, 1:].sum(axis=1)
    return counts
