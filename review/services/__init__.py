"""Writes of the review app (one module per feature, re-exported here)."""

from review.services.agreement import (
    item_recompute,
    project_report,
    project_report_full,
    project_resolve,
    project_snapshot_create,
)

__all__ = [
    "item_recompute",
    "project_report",
    "project_report_full",
    "project_resolve",
    "project_snapshot_create",
]
