"""Writes of the review app (one module per feature, re-exported here)."""

from review.services.agreement import (
    item_recompute,
    project_report,
    project_report_full,
    project_resolve,
    project_snapshot_create,
)
from review.services.first_snapshot import FirstSnapshot, snapshot_first

__all__ = [
    "FirstSnapshot",
    "item_recompute",
    "project_report",
    "project_report_full",
    "project_resolve",
    "project_snapshot_create",
    "snapshot_first",
]
