"""Schemas of the spans and boxes projects the export tests use."""

from __future__ import annotations

SPANS_SCHEMA = {
    "kind": "spans",
    "data": "text",
    "labels": [
        {"value": "PER", "hotkey": "p"},
        {"value": "ORG", "hotkey": "o"},
        {"value": "LOC", "hotkey": "l"},
    ],
    "settings": {"overlap": 2, "aggregation": "majority"},
}
BOXES_SCHEMA = {
    "kind": "boxes",
    "data": "image",
    "labels": [{"value": "car", "hotkey": "1"}, {"value": "person", "hotkey": "2"}],
    "settings": {"overlap": 2, "aggregation": "majority"},
}
