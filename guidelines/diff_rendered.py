"""The guideline diff as a reader sees it: both versions rendered, changed blocks marked.

The word diff (guidelines.diff) shows Markdown source, which suits a lead editing it; an
annotator acknowledging a change reads the rendered guideline instead. Blocks (paragraphs,
lists, headings, fenced code) are compared whole; a changed block shows its old rendering
under a "Removed" tag and its new one under "Added", so the change is marked by words and
not by colour alone.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from guidelines.markdown import render_markdown

# kind -> (element, tag text): <del>/<ins> keep the meaning for assistive technology.
TAGS = {"removed": ("del", "Removed"), "added": ("ins", "Added")}


def markdown_blocks(text: str) -> list[str]:
    """The text cut at blank lines outside fenced code, each block without trailing space."""
    blocks: list[str] = []
    current: list[str] = []
    in_fence = False
    for line in text.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
        if not line.strip() and not in_fence:
            if current:
                blocks.append("\n".join(current).rstrip())
            current = []
            continue
        current.append(line)
    if current:
        blocks.append("\n".join(current).rstrip())
    return blocks


def rendered_diff_html(old: str, new: str, *, image_hosts: Iterable[str] = ()) -> str:
    """Sanitised HTML of `new`, with blocks changed since `old` marked as removed and added."""
    hosts = list(image_hosts)
    old_blocks, new_blocks = markdown_blocks(old), markdown_blocks(new)
    matcher = difflib.SequenceMatcher(a=old_blocks, b=new_blocks, autojunk=False)
    parts: list[str] = []
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(render_markdown("\n\n".join(new_blocks[b0:b1]), image_hosts=hosts))
            continue
        if a1 > a0:
            parts.append(_marked("removed", old_blocks[a0:a1], hosts))
        if b1 > b0:
            parts.append(_marked("added", new_blocks[b0:b1], hosts))
    return "".join(parts)


def _marked(kind: str, blocks: list[str], hosts: list[str]) -> str:
    element, text = TAGS[kind]
    body = render_markdown("\n\n".join(blocks), image_hosts=hosts)
    return f'<{element} class="diff-block diff-{kind}"><p class="diff-tag">{text}</p>{body}</{element}>'
