"""Tokens of a text for the token-per-line formats (CoNLL), and BIO tags from character spans.

The rule: a token is a run of word characters (Python's regex \\w: letters, digits and
underscore in any script) or one other non-space character (punctuation, a symbol); whitespace
separates tokens and is never part of one. It is ``re.finditer(r"\\w+|[^\\w\\s]", text)``, the
rule the span agreement (review.metrics.spans.tokens) uses, so exported tokens are the units
agreement was measured on. "New York-based" -> New, York, -, based.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable

TOKEN = re.compile(r"\w+|[^\w\s]")
SPACES = re.compile(r"\s+")
OUTSIDE = "O"


def token_offsets(text: str) -> list[tuple[int, int]]:
    """[start, end) character offsets of the text's tokens, in order."""
    return [match.span() for match in TOKEN.finditer(text)]


def flat_spans(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans BIO can carry: sorted by start (longest first); a span overlapping one kept
    before it is dropped, since a token has one tag."""
    kept: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans, key=lambda span: (span[0], -span[1], span[2])):
        if end > start and (not kept or start >= kept[-1][1]):
            kept.append((start, end, label))
    return kept


def bio_tags(tokens: list[tuple[int, int]], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """One tag per token: B-LABEL on a span's first token, I-LABEL on the rest, O outside.

    A token belongs to a span when they share a character, so a span that starts or ends inside
    a word takes the whole word (BIO cannot mark part of a token); a token two spans touch keeps
    the first span's tag. Spaces inside a label become "_" (see tag_label).
    """
    tags = [OUTSIDE] * len(tokens)
    ends = [end for _, end in tokens]
    for start, end, label in flat_spans(spans):
        first = True
        index = bisect_right(ends, start)  # the first token ending after the span starts
        while index < len(tokens) and tokens[index][0] < end:
            if tags[index] == OUTSIDE:
                tags[index] = ("B-" if first else "I-") + tag_label(label)
                first = False
            index += 1
    return tags


def tag_label(label: str) -> str:
    """A label as a tag can carry it: whitespace runs become "_" ("Named entity" -> Named_entity),
    since the column formats split lines on whitespace."""
    return SPACES.sub("_", label)
