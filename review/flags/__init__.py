"""Flag detectors: one pure module per reason, each `detect(item, project, config)`.

`detect_all` runs the enabled detectors with the project's settings and returns
{reason: (severity, details)} for those that fire. No Django here: services build the facts.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from review.flags import (
    gold_miss,
    high_risk,
    likely_error,
    low_agreement,
    model_disagrees,
    rare_label,
    unsure,
)
from review.flags.config import DEFAULTS, flag_config
from review.flags.facts import (
    AnnotationFact,
    Detection,
    ItemFacts,
    PredictionFact,
    ProjectFacts,
)

Detector = Callable[[ItemFacts, ProjectFacts, dict[str, Any]], Detection | None]

DETECTORS: dict[str, Detector] = {
    "low_agreement": low_agreement.detect,
    "rare_label": rare_label.detect,
    "model_disagrees": model_disagrees.detect,
    "unsure": unsure.detect,
    "gold_miss": gold_miss.detect,
    "likely_error": likely_error.detect,
    "high_risk": high_risk.detect,
}


def detect_all(
    item: ItemFacts, project: ProjectFacts, settings: dict[str, Any] | None
) -> dict[str, Detection]:
    """Run every enabled detector; the result holds only the reasons that fired."""
    found: dict[str, Detection] = {}
    for reason, detector in DETECTORS.items():
        config = flag_config(settings, reason)
        if not config.get("enabled", True):
            continue
        result = detector(item, project, config)
        if result is not None:
            found[reason] = result
    return high_risk.within_budget(found, item, project)


__all__ = [
    "DEFAULTS",
    "DETECTORS",
    "AnnotationFact",
    "Detection",
    "ItemFacts",
    "PredictionFact",
    "ProjectFacts",
    "detect_all",
    "flag_config",
]
