"""Which text fields of an item the text backend reads: settings.prelabel.text_fields (pure).

Default ["text"]. Several fields are joined with a blank line in the order named, so a
project whose items carry {"title": ..., "body": ...} can train on both.
"""

from __future__ import annotations

from typing import Any

from labeling.exceptions import SchemaError

DEFAULT_TEXT_FIELDS = ("text",)
MAX_TEXT_FIELDS = 20


def text_fields_clean(raw: object) -> list[str]:
    """A list of 1..20 distinct non-empty field names (stripped); raise SchemaError otherwise."""
    message = 'settings.prelabel.text_fields must be a list of field names like ["title", "text"]'
    if isinstance(raw, str):
        raw = raw.split(",")
    if not isinstance(raw, list) or not raw or len(raw) > MAX_TEXT_FIELDS:
        raise SchemaError(message, details={"field": "text_fields"})
    names: list[str] = []
    for name in raw:
        if not isinstance(name, str) or not name.strip() or len(name.strip()) > 100:
            raise SchemaError(f"{message}; got {name!r}", details={"field": "text_fields"})
        if name.strip() not in names:
            names.append(name.strip())
    return names


def project_text_fields(settings: dict[str, Any]) -> tuple[str, ...]:
    """The fields named in the project's settings, or the default when unset or malformed."""
    prelabel = settings.get("prelabel") if isinstance(settings, dict) else None
    raw = prelabel.get("text_fields") if isinstance(prelabel, dict) else None
    try:
        return tuple(text_fields_clean(raw)) if raw else DEFAULT_TEXT_FIELDS
    except SchemaError:
        return DEFAULT_TEXT_FIELDS


def text_of(data: dict[str, Any], fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS) -> str:
    """The named fields' values (strings and numbers), joined with a blank line."""
    parts = []
    for name in fields:
        value = data.get(name)
        if isinstance(value, str | int | float) and not isinstance(value, bool) and str(value):
            parts.append(str(value))
    return "\n\n".join(parts)
