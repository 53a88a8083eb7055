"""The review budget's cut: the lowest p_wrong that still gets an item into the queue."""

from __future__ import annotations

import math
from typing import Any

from labeling.models import Item, Project
from review.metrics.review_budget import DEFAULT_BUDGET


def budget_settings(settings: dict[str, Any]) -> tuple[float, float | None]:
    """(review_budget, risk_threshold) from project settings, defaults where unset or malformed."""
    budget = settings.get("review_budget")
    threshold = settings.get("risk_threshold")
    ok = isinstance(budget, int | float) and not isinstance(budget, bool) and 0 <= budget <= 1
    threshold = threshold if isinstance(threshold, int | float) else None
    return (float(budget) if ok else DEFAULT_BUDGET), threshold


def budget_size(budget: float, labeled: int) -> int:
    """How many items a budget admits: ceil(budget x labeled items), so a small project's queue
    is not empty (15% of 5 items is 1 item, not 0)."""
    return math.ceil(budget * labeled - 1e-9)


def risk_cut(project: Project) -> float | None:
    """p_wrong of the last item the budget admits (the same rule as review_budget.review_queue).

    The budget is budget_size(review_budget, labeled items); only unsettled items with a p_wrong
    compete. With a risk_threshold the cut is at least the threshold. Returns None before the
    first project run (no p_wrong stored), and +inf when the budget admits nothing. Items
    tied with the cut all pass (so a queue may run a few items over on exact ties).
    """
    labeled = Item.objects.filter(project=project, p_wrong__isnull=False)
    total = labeled.count()
    if total == 0:
        return None
    budget, threshold = budget_settings(project.settings)
    size = budget_size(budget, total)
    risks = labeled.filter(final_value__isnull=True).order_by("-p_wrong", "id")
    last = risks.values_list("p_wrong", flat=True)[size - 1 : size].first() if size else None
    if last is None and size:
        last = risks.values_list("p_wrong", flat=True).last()  # fewer candidates than budget
    cut = math.inf if last is None else float(last)
    return max(cut, threshold) if threshold is not None else cut
