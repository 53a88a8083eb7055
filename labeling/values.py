"""The annotation-value contract of DESIGN.md, read in one place (pure: no Django).

Value shapes, by schema kind: single {"label": "a"}; multi {"labels": ["a", "b"]};
rating {"rating": 4}; spans {"spans": [{"start", "end", "label"}]};
boxes {"boxes": [{"x", "y", "width", "height", "label"}]}. Other keys (a prediction's
"probabilities") are ignored. Every reader of values (flags, votes, pre-labeling, guidelines,
pages) goes through these functions, so the same value means the same thing everywhere:

- `value_labels`: the label names a value uses (a rating point counts as its label "4");
- `class_key`: a hashable key, equal for values that name the same class (votes, agreement);
- `value_text`: the one display rule for pages;
- `schema_labels` / `declared_labels`: the label names a schema offers / declares.

Values are validated on write (labeling.schema.value_validate), but readers also meet
hand-made and historical values: a malformed value or part reads as naming nothing, never raises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Literal, TypeAlias

Kind = Literal["single", "multi", "rating", "spans", "boxes"]
KINDS: tuple[Kind, ...] = ("single", "multi", "rating", "spans", "boxes")
# Kinds whose values are one class each (voting, majority aggregates, classifiers).
CLASS_KINDS: tuple[Kind, ...] = ("single", "multi", "rating")
# The key that carries each kind's content, in the order `value_kind` looks for them.
VALUE_KEYS: dict[Kind, str] = {
    "single": "label",
    "multi": "labels",
    "rating": "rating",
    "spans": "spans",
    "boxes": "boxes",
}
_KEY_ORDER = tuple(VALUE_KEYS.items())
_KINDS_BY_NAME: dict[str, Kind] = {kind: kind for kind in KINDS}
BOX_FIELDS = ("x", "y", "width", "height")
# How a value that names no label reads on every page ({"labels": []}, {"spans": []}).
NONE_TEXT = "(none)"
# A rating schema offers its scale points as labels, up to this many (a 1..10000 scale offers none).
MAX_SCALE_POINTS = 101

Span: TypeAlias = tuple[int, int, str]
Box: TypeAlias = tuple[float, float, float, float, str]
ClassKey: TypeAlias = str | int | tuple[str, ...] | tuple[Span, ...] | tuple[Box, ...]


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def value_kind(value: object) -> Kind | None:
    """The kind a value's shape belongs to (the first content key found), or None."""
    if not isinstance(value, dict):
        return None
    for kind, key in _KEY_ORDER:
        if key in value:
            return kind
    return None


def _content(value: object, kind: str | None) -> tuple[Kind | None, Any]:
    """(kind, content) of a value: with `kind`, that kind's content key (absent: None, None);
    without, the first content key found."""
    if not isinstance(value, dict):
        return None, None
    if kind is None:
        found = value_kind(value)
        return (found, value[VALUE_KEYS[found]]) if found is not None else (None, None)
    asked = _KINDS_BY_NAME.get(kind)
    if asked is None or VALUE_KEYS[asked] not in value:
        return None, None
    return asked, value[VALUE_KEYS[asked]]


def _spans(parts: object) -> list[Span]:
    """The well-formed spans of a spans value (integer offsets, a string label)."""
    if not isinstance(parts, list):
        return []
    return [
        (part["start"], part["end"], part["label"])
        for part in parts
        if isinstance(part, dict)
        and _is_int(part.get("start"))
        and _is_int(part.get("end"))
        and isinstance(part.get("label"), str)
    ]


def _boxes(parts: object) -> list[Box]:
    """The well-formed boxes of a boxes value (four numbers, a string label)."""
    if not isinstance(parts, list):
        return []
    return [
        (part["x"], part["y"], part["width"], part["height"], part["label"])
        for part in parts
        if isinstance(part, dict)
        and all(_is_number(part.get(field)) for field in BOX_FIELDS)
        and isinstance(part.get("label"), str)
    ]


def _label_list(labels: object) -> list[str]:
    """The string labels of a multi value's list, in its order."""
    if not isinstance(labels, list):
        return []
    return [label for label in labels if isinstance(label, str)]


def value_labels(value: object, kind: str | None = None) -> tuple[str, ...]:
    """The distinct label names a value uses, sorted.

    single -> (label,); rating -> ("4",); multi -> its labels; spans and boxes -> the labels of
    their parts, each once. With `kind`, a value of another kind gives (). None, a malformed
    value, or a malformed part (a non-string label, a span without offsets) contributes nothing.
    """
    found, content = _content(value, kind)
    if found == "multi":  # first and inline: the dashboard reads every annotation of a project
        if not isinstance(content, list):
            return ()
        return tuple(sorted({label for label in content if isinstance(label, str)}))
    if found == "single":
        return (content,) if isinstance(content, str) else ()
    if found == "rating":
        return (str(content),) if _is_int(content) else ()
    if found == "spans":
        names = [span[2] for span in _spans(content)]
    elif found == "boxes":
        names = [box[4] for box in _boxes(content)]
    else:
        return ()
    return tuple(sorted(set(names)))


def class_key(value: object, kind: str | None = None) -> ClassKey | None:
    """A hashable key: two values get equal keys exactly when they name the same class.

    single -> the label; rating -> the integer point; multi -> the sorted label set;
    spans -> the sorted (start, end, label) tuples; boxes -> the sorted (x, y, width, height,
    label) tuples. None for None, a value of another kind than `kind`, or a malformed value
    (a non-string label, a non-integer rating, a list that is not one).
    """
    found, content = _content(value, kind)
    if found == "single":
        return content if isinstance(content, str) else None
    if found == "rating":
        return content if _is_int(content) else None
    if found == "multi":
        return tuple(sorted(set(_label_list(content)))) if isinstance(content, list) else None
    if found == "spans":
        return tuple(sorted(_spans(content))) if isinstance(content, list) else None
    if found == "boxes":
        return tuple(sorted(_boxes(content))) if isinstance(content, list) else None
    return None


def _number(value: float) -> str:
    """A coordinate without a needless ".0"."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _parts_text(found: Kind, content: Any) -> str:
    """Spans as "PER 0-5", boxes as "car 10,20 30x40", in the value's order."""
    if found == "spans":
        shown = [f"{label} {start}-{end}" for start, end, label in _spans(content)]
    else:
        shown = [
            f"{label} {_number(x)},{_number(y)} {_number(w)}x{_number(h)}"
            for x, y, w, h, label in _boxes(content)
        ]
    return ", ".join(shown)


def value_text(value: object) -> str:
    """How a value reads on every page: "positive", "a, b", "4", "PER 0-5, LOC 9-14",
    "car 10,20 30x40".

    '' for None (no value at all: the page says "not settled" or leaves the cell empty);
    NONE_TEXT for a value that names nothing ({"labels": []}, {"spans": []}); compact JSON
    for a shape this contract does not know, so a reviewer still sees what is stored.
    """
    if value is None:
        return ""
    found, content = _content(value, None)
    if found == "single" and isinstance(content, str):
        return content
    if found == "rating" and _is_int(content):
        return str(content)
    if found == "multi" and isinstance(content, list):
        return ", ".join(_label_list(content)) or NONE_TEXT
    if found in ("spans", "boxes") and isinstance(content, list):
        return _parts_text(found, content) or NONE_TEXT
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def declared_labels(schema: Mapping[str, Any]) -> list[str]:
    """The values of the schema's "labels" entries, in schema order (what values may name)."""
    entries = schema.get("labels") or []
    return [
        str(entry["value"]) for entry in entries if isinstance(entry, dict) and "value" in entry
    ]


def schema_labels(schema: Mapping[str, Any]) -> list[str]:
    """The label names a schema's values can use, in order: the domain of `value_labels`.

    A rating schema's names are its scale points as strings ("1".."5"; [] for a scale of more
    than MAX_SCALE_POINTS points or without integer bounds); other kinds' are `declared_labels`.
    """
    if schema.get("kind") != "rating":
        return declared_labels(schema)
    scale = schema.get("scale")
    if not isinstance(scale, Mapping):
        return []
    low, high = scale.get("min"), scale.get("max")
    if not isinstance(low, int) or not isinstance(high, int) or bool in (type(low), type(high)):
        return []
    if not 0 <= high - low < MAX_SCALE_POINTS:
        return []
    return [str(point) for point in range(low, high + 1)]


def value_from_answer(kind: str, raw: Any) -> Any:
    """An answer given as a bare label (a gold column, a gold file) as a value object.

    "pos" -> {"label": "pos"}; multi "a|b" -> {"labels": ["a", "b"]}; rating "4" ->
    {"rating": 4}. Objects pass through unchanged; the schema check judges the result.
    """
    if isinstance(raw, dict):
        return raw
    if kind == "rating":
        text = str(raw).strip()
        return {"rating": int(text) if text.lstrip("-").isdigit() else raw}
    if kind == "multi":
        return {"labels": [part.strip() for part in str(raw).split("|") if part.strip()]}
    return {"label": raw.strip() if isinstance(raw, str) else raw}
