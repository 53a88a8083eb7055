"""Scores and margins of a model server's prediction (pure), so uncertainty ordering covers them.

Label Studio predictions carry a `score` per prediction and often one per result region; some
servers also send class probabilities. The margin (top-1 minus top-2 probability; low means
uncertain, see labeling.prelabel.active) is taken from probabilities when the server gives
them, else estimated from the score p of the chosen class over k classes, with the remaining
mass spread evenly over the other classes: p - (1 - p) / (k - 1), clipped to [0, 1]. The
estimate rises with p, so items still sort from least to most confident.
"""

from __future__ import annotations

import math
from typing import Any


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def prediction_score(raw: dict[str, Any]) -> float | None:
    """The prediction's score in [0, 1]: its own, else the lowest of its regions' scores."""
    score = _number(raw.get("score"))
    if score is None:
        regions = [r for r in raw.get("result") or [] if isinstance(r, dict)]
        scores = [s for s in (_number(r.get("score")) for r in regions) if s is not None]
        score = min(scores) if scores else None
    if score is None:
        return None
    return round(min(max(score, 0.0), 1.0), 6)


def prediction_probabilities(raw: dict[str, Any]) -> dict[str, float]:
    """Class probabilities if the server sent them ({"probabilities": {label: p}} on the
    prediction or on a region's value); {} otherwise or when malformed."""
    candidates = [raw.get("probabilities")]
    for region in raw.get("result") or []:
        if isinstance(region, dict) and isinstance(region.get("value"), dict):
            candidates.append(region["value"].get("probabilities"))
    for found in candidates:
        if isinstance(found, dict) and found:
            pairs = {str(k): _number(v) for k, v in found.items()}
            if all(v is not None and 0 <= v <= 1 for v in pairs.values()):
                return {k: round(v, 6) for k, v in pairs.items() if v is not None}
    return {}


def margin_of(
    *, score: float | None, probabilities: dict[str, float], classes: int
) -> float | None:
    """Top-1 minus top-2 probability, or the estimate from `score` over `classes` classes."""
    if len(probabilities) >= 2:
        top = sorted(probabilities.values(), reverse=True)
        return round(top[0] - top[1], 6)
    if len(probabilities) == 1:
        return round(next(iter(probabilities.values())), 6)
    if score is None:
        return None
    others = max(classes - 1, 1)
    return round(min(max(score - (1.0 - score) / others, 0.0), 1.0), 6)
