"""Human words for what the items browser and the item page show (never enum values)."""

from __future__ import annotations

from typing import Any

# The browser's status keys (labeling.browse.STATUSES) as a lead reads them.
STATUS_WORDS = {
    "unlabeled": "Not labeled yet",
    "in_progress": "Being labeled",
    "complete": "Fully labeled",
    "settled": "Settled by a reviewer",
}


def flag_details(details: Any) -> str:
    """A flag's details as "key: value" phrases, e.g. "agreement: 0.33, labels: 3"."""
    if not isinstance(details, dict):
        return ""
    parts = []
    for key, value in details.items():
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        parts.append(f"{str(key).replace('_', ' ')}: {shown}")
    return ", ".join(parts)
