"""Word-level differences between two guideline texts, and the labels whose sections changed.

The HTML diff escapes every token before wrapping changes in <ins>/<del>, so it is safe to
show as is. A "section" is the text under a Markdown heading up to the next heading of any
level; a label's section is one whose heading names the label as a whole word.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.html import escape

# Words, runs of punctuation and runs of whitespace: "Sad." -> "Sad or angry." marks only "or angry".
TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")
WORD = re.compile(r"\w")
# Changed blocks longer than this (in tokens, both sides) are shown as one replacement:
# word alignment is quadratic and a rewritten chapter gains nothing from it.
MAX_ALIGNED_TOKENS = 4000
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")


@dataclass(frozen=True)
class DiffStats:
    inserted: int
    deleted: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted)


Segment = tuple[bool, list[str], list[str]]  # (changed?, old tokens, new tokens)


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _wrap(tag: str, tokens: list[str]) -> str:
    if not tokens:
        return ""
    return f"<{tag}>{escape(''.join(tokens))}</{tag}>"


def _common_ends(a: list[str], b: list[str]) -> tuple[int, int]:
    """Lengths of the common prefix and (non-overlapping) common suffix of two token lists."""
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    return head, tail


def _word_segments(old: str, new: str) -> Iterator[Segment]:
    a, b = _tokens(old), _tokens(new)
    head, tail = _common_ends(a, b)
    if head:
        yield False, a[:head], a[:head]
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    if len(mid_a) + len(mid_b) > MAX_ALIGNED_TOKENS:
        yield True, mid_a, mid_b  # too long to align word by word: shown as one replacement
    else:
        matcher = difflib.SequenceMatcher(a=mid_a, b=mid_b, autojunk=False)
        for op, a0, a1, b0, b1 in matcher.get_opcodes():
            yield op != "equal", mid_a[a0:a1], mid_b[b0:b1]
    if tail:
        yield False, a[len(a) - tail :], a[len(a) - tail :]


def _segments(old: str, new: str) -> Iterator[Segment]:
    """Lines are matched first (fast, and unchanged lines stay whole); words inside changed
    blocks are aligned after trimming their common ends, which keeps typical edits linear."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            yield False, old_lines[a0:a1], old_lines[a0:a1]
        else:
            yield from _word_segments("".join(old_lines[a0:a1]), "".join(new_lines[b0:b1]))


def diff_html(old: str, new: str) -> str:
    """Inline HTML of `new` against `old`: removed words in <del>, added words in <ins>."""
    parts: list[str] = []
    for changed, old_tokens, new_tokens in _segments(old, new):
        if changed:
            parts.append(_wrap("del", old_tokens))
            parts.append(_wrap("ins", new_tokens))
        else:
            parts.append(escape("".join(old_tokens)))
    return "".join(parts)


def diff_stats(old: str, new: str) -> DiffStats:
    """How many words were added and removed (whitespace and punctuation are not counted)."""
    inserted = deleted = 0
    for changed, old_tokens, new_tokens in _segments(old, new):
        if changed:
            deleted += sum(1 for token in old_tokens if WORD.match(token))
            inserted += sum(1 for token in new_tokens if WORD.match(token))
    return DiffStats(inserted=inserted, deleted=deleted)


def sections(markdown: str) -> list[tuple[str, str]]:
    """(heading text, body text) for every Markdown heading; text before the first is skipped."""
    found: list[tuple[str, list[str]]] = []
    in_fence = False
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        match = None if in_fence else HEADING.match(line)
        if match:
            found.append((match.group(2).strip(), []))
        elif found:
            found[-1][1].append(line)
    return [(heading, "\n".join(body).strip()) for heading, body in found]


def _names(heading: str, label: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(label)}(?!\w)", heading, re.IGNORECASE) is not None


def label_sections(markdown: str, labels: list[str]) -> dict[str, str]:
    """Each label's guideline text: the bodies of all headings naming it, joined."""
    result: dict[str, str] = {}
    for label in labels:
        bodies = [f"{head}\n{body}" for head, body in sections(markdown) if _names(head, label)]
        if bodies:
            result[label] = "\n\n".join(bodies)
    return result


def changed_labels(old: str, new: str, labels: list[str]) -> list[str]:
    """Labels whose section was added, removed or edited between `old` and `new` (schema order)."""
    before, after = label_sections(old, labels), label_sections(new, labels)
    return [label for label in labels if before.get(label) != after.get(label)]
