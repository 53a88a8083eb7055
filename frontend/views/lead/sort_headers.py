"""The items browser's sortable column headers: a link per column, aria-sort on the sorted one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from labeling.browse_sort import parse_sort

# Header text and `sort` name of each sortable column, in table order.
SORTABLE = {
    "id": ("Id", "external_id"),
    "labels": ("Labels", "labels"),
    "agreement": ("Agreement", "agreement"),
}


def sort_headers(raw: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Per column: its text, the link that sorts by it (ascending first, then flips) keeping
    the filters and dropping the page cursor, its aria-sort value and arrow (sorted one only)."""
    key = parse_sort(raw.get("sort"))
    kept = {name: value for name, value in raw.items() if value and name != "sort"}
    headers = {}
    for column, (text, name) in SORTABLE.items():
        active = key is not None and key.name == name
        descending = active and key is not None and key.descending
        target = name if descending or not active else f"-{name}"
        headers[column] = {
            "text": text,
            "url": "?" + urlencode({**kept, "sort": target}),
            "aria_sort": ("descending" if descending else "ascending") if active else "",
            "arrow": ("\u2193" if descending else "\u2191") if active else "",
            "next": "descending" if target.startswith("-") else "ascending",
        }
    return headers
