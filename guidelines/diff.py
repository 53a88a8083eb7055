"""Word-level differences between two guideline texts, and the labels whose sections changed.

The HTML diff escapes every token before wrapping changes in <ins>/<del>, so it is safe to
show as is. A "section" is the text under a Markdown heading up to the next heading of any
level; a label's section is one whose heading names the label as a whole word.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape

# Words, runs of punctuation and runs of whitespace: "Sad." -> "Sad or angry." marks only "or angry".
TOKEN = re.compile(r"\s+|\w+|[^\w\s]+")
WORD = re.compile(r"\w")
HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.+?)[ \t#]*$")


@dataclass(frozen=True)
class DiffStats:
    inserted: int
    deleted: int

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.deleted)


def _tokens(text: str) -> list[str]:
    return TOKEN.findall(text)


def _wrap(tag: str, tokens: list[str]) -> str:
    if not tokens:
        return ""
    return f"<{tag}>{escape(''.join(tokens))}</{tag}>"


def diff_html(old: str, new: str) -> str:
    """Inline HTML of `new` against `old`: removed words in <del>, added words in <ins>."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    parts: list[str] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(old_tokens[a0:a1])))
            continue
        parts.append(_wrap("del", old_tokens[a0:a1]))
        parts.append(_wrap("ins", new_tokens[b0:b1]))
    return "".join(parts)


def diff_stats(old: str, new: str) -> DiffStats:
    """How many words were added and removed (whitespace and punctuation are not counted)."""
    old_tokens, new_tokens = _tokens(old), _tokens(new)
    matcher = difflib.SequenceMatcher(a=old_tokens, b=new_tokens, autojunk=False)
    inserted = deleted = 0
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op != "equal":
            deleted += sum(1 for token in old_tokens[a0:a1] if WORD.match(token))
            inserted += sum(1 for token in new_tokens[b0:b1] if WORD.match(token))
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
