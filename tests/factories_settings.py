"""Form data for the settings page built from the settings list (so it never falls behind)."""

from __future__ import annotations

from typing import Any

from labeling.project_settings import SETTINGS


def setting_post_value(kind: str, value: Any) -> str | None:
    """A setting's value as the browser posts it (None: an unticked checkbox, not posted)."""
    if kind == "bool":
        return "on" if value else None
    if kind == "hosts":
        return " ".join(value or [])
    return "" if value is None else str(value)


def setting_post_defaults() -> dict[str, str]:
    """Every setting at its default, as posted by the settings form (unticked boxes left out)."""
    posted = {s.name: setting_post_value(s.kind, s.default) for s in SETTINGS}
    return {name: value for name, value in posted.items() if value is not None}
