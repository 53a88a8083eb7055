"""The review flags' default switches and thresholds (pure: no Django).

labeling.project_settings lists them with the other project settings (page and API);
review.flags.config reads them to fill a project's flag configuration.
"""

from __future__ import annotations

from typing import Any

FLAG_DEFAULTS: dict[str, dict[str, Any]] = {
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
