"""High risk: the item's label is among the likeliest wrong ones the review budget admits."""

from __future__ import annotations

from typing import Any

from review.flags.facts import Detection, ItemFacts, ProjectFacts


def detect(item: ItemFacts, project: ProjectFacts, config: dict[str, Any]) -> Detection | None:
    """Fire when p_wrong reaches the budget's cut; severity is p_wrong itself."""
    if item.p_wrong is None or project.risk_cut is None or item.p_wrong < project.risk_cut:
        return None
    return item.p_wrong, {"p_wrong": round(item.p_wrong, 4)}


def within_budget(
    found: dict[str, Detection], item: ItemFacts, project: ProjectFacts
) -> dict[str, Detection]:
    """Apply the review budget to the reasons that fired (the queue rule).

    With a p_wrong and a cut known: an item under the cut keeps no flag except a gold miss
    (that one is about annotators, not the label); an item at or over it keeps every reason
    that fired, each with severity p_wrong, so the queue shows the riskiest items first
    and says why. Without them (no project run yet, kinds without p_wrong) nothing changes.
    """
    if item.p_wrong is None or project.risk_cut is None:
        return found
    if item.p_wrong < project.risk_cut:
        return {reason: hit for reason, hit in found.items() if reason == "gold_miss"}
    return {reason: (item.p_wrong, details) for reason, (_, details) in found.items()}
