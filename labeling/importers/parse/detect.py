"""Tell an import's format from its first bytes, once its name has given jsonl, json or csv.

Only the head of the file is read (HEAD_BYTES), so detection costs the same for any size.
Accord's own formats win whenever the head fits them: a JSON Lines line with "data" is ours.
"""

from __future__ import annotations

import csv
import json
import re
from typing import Any

HEAD_BYTES = 1 << 16
_FIRST_OBJECT = re.compile(r"\[\s*(\{)")
_CONLL_TAG = re.compile(r"^(O|[BIES]-\S+)$")
CONLL_SUFFIXES = (".conll", ".conll2003", ".bio", ".iob")
# Keys Label Studio writes on every exported task and Accord's import lines never carry.
LABEL_STUDIO_TASK_KEYS = frozenset({"inner_id", "total_annotations", "cancelled_annotations", "total_predictions", "file_upload", "drafts"})


def format_sniff(head: bytes, by_name: str) -> str | None:
    """The format of a file whose name says `by_name` (jsonl, json, csv or txt) and which starts with `head`.

    None for a .txt file that is not CoNLL (its first lines are not "token ... TAG").
    """
    text = head.decode("utf-8-sig", errors="replace")
    if by_name == "jsonl":
        return _jsonl_format(text)
    if by_name == "json":
        return _json_format(text)
    if by_name == "csv":
        return _csv_format(text)
    return "conll" if _conll_like(text) else None


def _conll_like(text: str) -> bool:
    rows = [line.split() for line in text.splitlines()[:20] if line.strip()]
    rows = [row for row in rows if row[0] != "-DOCSTART-"]
    return bool(rows) and all(len(row) > 1 and _CONLL_TAG.match(row[-1]) for row in rows)


def _jsonl_format(text: str) -> str:
    line = next((line for line in text.splitlines() if line.strip()), "")
    try:
        first = json.loads(line)
    except json.JSONDecodeError:
        return "jsonl"  # the head may cut a long line; Accord's reader reports real errors
    if not isinstance(first, dict) or "data" in first:
        return "jsonl"
    if {"_input_hash", "_task_hash", "answer"} & first.keys():
        return "prodigy"
    if "text" in first and ({"label", "labels", "entities"} & first.keys()):
        return "doccano"
    return "jsonl"


def _json_format(text: str) -> str:
    stripped = text.lstrip()
    if stripped.startswith("{"):
        return "coco" if '"images"' in text and '"categories"' in text else "json"
    elements = _head_elements(stripped)
    if elements and all("data" not in element for element in elements):
        return "label_studio_min" if "id" in elements[0] else "json"
    for element in elements:
        if LABEL_STUDIO_TASK_KEYS & element.keys():
            return "label_studio"
        entries = [*(element.get("annotations") or []), *(element.get("predictions") or [])]
        if any(isinstance(entry, dict) and "result" in entry for entry in entries):
            return "label_studio"
        if entries:
            return "json"
    return "json"


def _head_elements(text: str) -> list[dict[str, Any]]:
    """The objects of a JSON array that are whole within the head (none when it is not an array)."""
    match = _FIRST_OBJECT.match(text)
    found: list[dict[str, Any]] = []
    decoder, pos = json.JSONDecoder(), match.start(1) if match else len(text)
    while pos < len(text) and text[pos] == "{":
        try:
            element, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
        if not isinstance(element, dict):
            break
        found.append(element)
        pos = end
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
    return found


def _csv_format(text: str) -> str:
    header = next(csv.reader(text.splitlines()[:1]), [])
    names = {name.strip().lower() for name in header}
    return "label_studio_csv" if "annotation_id" in names else "csv"
