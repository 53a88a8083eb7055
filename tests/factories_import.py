"""Helpers to write import files for the import/export tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def jsonl_write(path: Path, lines: list[dict[str, Any] | str]) -> Path:
    """Write JSON Lines; str entries are written verbatim (to make bad lines)."""
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def item_line(external_id: str, text: str = "some text", **annotations: str) -> dict[str, Any]:
    """An import line; keyword arguments map annotator name -> label."""
    return {
        "id": external_id,
        "data": {"text": text},
        "annotations": [{"annotator": name, "value": {"label": label}} for name, label in annotations.items()],
    }
