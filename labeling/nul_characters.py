"""NUL characters (U+0000): refused at the edges, because PostgreSQL cannot store them.

PostgreSQL's text and jsonb types have no NUL, so one in a query, a form, a JSON body or an
import used to surface as a 500 or "The import stopped on an internal error" (issue 21).
The request guard (config.nul_guard) and the import readers call these helpers instead.
"""

from __future__ import annotations

from typing import Any

NUL = "\x00"
JSON_NUL_ESCAPE = "\\u0000"


def text_may_hold_nul(text: str) -> bool:
    """Whether `text` (raw JSON or plain text) may decode to something holding a NUL.

    A fast substring test for the hot path; `nul_found` confirms on the decoded value (an
    escaped backslash before "u0000" is text, not a NUL).
    """
    return NUL in text or JSON_NUL_ESCAPE in text


def nul_found(value: Any) -> bool:
    """Whether any string in `value` (nested dicts, lists; keys too) holds a NUL."""
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(nul_found(key) or nul_found(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(nul_found(item) for item in value)
    return False
