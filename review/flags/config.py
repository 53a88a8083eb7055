"""Per-project detector settings: project.schema["settings"]["flags"][reason] over the defaults."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, dict[str, Any]] = {
    # Item agreement (share of agreeing pairs, or the review app's figure) below this is contested.
    "low_agreement": {"enabled": True, "threshold": 0.6},
    # A label whose share of aggregated labels is under `cut` is rare, once `min_items` are labeled.
    "rare_label": {"enabled": True, "cut": 0.02, "min_items": 50},
    # A prediction at least this confident that differs from the aggregate.
    # Spans and boxes: the prediction disagrees when its F1 against the aggregate is under min_f1.
    "model_disagrees": {"enabled": True, "score": 0.8, "min_f1": 1.0},
    "unsure": {"enabled": True, "comments": True},
    # Spans and boxes: an annotation misses when its F1 against the gold is under min_f1.
    "gold_miss": {"enabled": True, "min_f1": 1.0},
    # Confident learning: flag when the off-label class clears its threshold by this margin.
    "likely_error": {"enabled": True, "margin": 0.0},
    # Among the riskiest items (p_wrong) the project's review budget admits.
    "high_risk": {"enabled": True},
}


def flag_config(settings: dict[str, Any] | None, reason: str) -> dict[str, Any]:
    """Merged settings for one detector; unknown or malformed overrides fall back to defaults."""
    overrides: Any = (settings or {}).get("flags") or {}
    mine = overrides.get(reason) if isinstance(overrides, dict) else None
    merged = dict(DEFAULTS[reason])
    if isinstance(mine, dict):
        merged.update(mine)
    return merged
