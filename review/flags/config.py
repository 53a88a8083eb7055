"""Per-project detector settings: project.schema["settings"]["flags"][reason] over the defaults."""

from __future__ import annotations

from typing import Any

from labeling.flag_defaults import FLAG_DEFAULTS

# The defaults are project settings, listed with the others in labeling.project_settings.
DEFAULTS: dict[str, dict[str, Any]] = FLAG_DEFAULTS


def flag_config(settings: dict[str, Any] | None, reason: str) -> dict[str, Any]:
    """Merged settings for one detector; unknown or malformed overrides fall back to defaults."""
    overrides: Any = (settings or {}).get("flags") or {}
    mine = overrides.get(reason) if isinstance(overrides, dict) else None
    merged = dict(DEFAULTS[reason])
    if isinstance(mine, dict):
        merged.update(mine)
    return merged
