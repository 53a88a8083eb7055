"""Read a file of gold answers: CSV with columns id (or external_id) and gold, or JSON Lines
objects {"id": ..., "gold": ...}. A gold cell holding a JSON object is a value; anything else
is a label (see labeling.values.value_from_answer)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from labeling.exceptions import ImportFailed

MAX_ANSWERS = 100_000


def gold_answers_read(raw: bytes, *, name: str) -> dict[str, Any]:
    """{external id: answer} from the file's bytes; ImportFailed names the first bad line."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"{name} is not UTF-8 text") from None
    answers = _jsonl(text) if name.lower().endswith((".jsonl", ".ndjson")) else _csv(text)
    if not answers:
        raise ImportFailed(f"{name} holds no gold answers")
    if len(answers) > MAX_ANSWERS:
        raise ImportFailed(f"{name} holds over {MAX_ANSWERS:,} answers; split it")
    return answers


def _csv(text: str) -> dict[str, Any]:
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    reader.fieldnames = header
    key = "external_id" if "external_id" in header else "id"
    if key not in header or "gold" not in header:
        raise ImportFailed("The CSV needs the columns external_id (or id) and gold")
    answers: dict[str, Any] = {}
    for row in reader:
        external_id, cell = (row.get(key) or "").strip(), (row.get("gold") or "").strip()
        if external_id and cell:
            answers[external_id] = _cell(cell, reader.line_num)
    return answers


def _cell(cell: str, line: int) -> Any:
    if not cell.startswith("{"):
        return cell
    try:
        return json.loads(cell)
    except json.JSONDecodeError as error:
        raise ImportFailed(f"line {line}: the gold cell is not valid JSON ({error.msg})") from None


def _jsonl(text: str) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for line, body in enumerate(text.splitlines(), start=1):
        if not body.strip():
            continue
        try:
            obj = json.loads(body)
        except json.JSONDecodeError as error:
            raise ImportFailed(f"line {line}: not valid JSON ({error.msg})") from None
        if not isinstance(obj, dict) or "id" not in obj or "gold" not in obj:
            raise ImportFailed(f'line {line}: each line needs "id" and "gold"')
        answers[str(obj["id"]).strip()] = obj["gold"]
    return answers
