"""Ordering policies for the assignment engine: which eligible item an annotator gets next.

A policy takes the queryset of items the annotator may claim (already filtered for overlap,
eligibility and skips by labeling.assignment) and returns a list of ordered querysets to try
in turn; the engine claims the first row it can lock. Orders should follow an index where the
project can be large, because the engine reads them with LIMIT under SELECT ... FOR UPDATE.
"""

from __future__ import annotations

from labeling.assignment.policies import in_progress, random_order, rare, sequential, uncertainty
from labeling.assignment.policies.base import Policy
from labeling.models import OrderingPolicy

POLICIES: dict[str, Policy] = {
    OrderingPolicy.IN_PROGRESS_FIRST: in_progress.candidates,
    OrderingPolicy.SEQUENTIAL: sequential.candidates,
    OrderingPolicy.RANDOM: random_order.candidates,
    OrderingPolicy.UNCERTAINTY_FIRST: uncertainty.candidates,
    OrderingPolicy.RARE_FIRST: rare.candidates,
}
DEFAULT_POLICY = OrderingPolicy.IN_PROGRESS_FIRST


def policy_for(name: str) -> Policy:
    """The policy registered under `name`; unknown names fall back to in_progress_first."""
    return POLICIES.get(name, POLICIES[DEFAULT_POLICY])


__all__ = ["DEFAULT_POLICY", "POLICIES", "Policy", "policy_for"]
