"""The `data` object of each event, built from rows the writer already holds.

Builders are called only when a subscriber exists (labeling.announce), so a project without
hooks never pays for the extra lookups (the annotator's username, the item's external id).
Every value is JSON-native; times are ISO 8601 in UTC.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from labeling.models import Annotation, ImportJob, Item, PrelabelJob


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def annotation_data(annotation: Annotation) -> dict[str, Any]:
    """annotation.created / annotation.updated: the annotation with its item and annotator."""
    return {
        "annotation": {
            "id": annotation.pk,
            "item": {"id": annotation.item_id, "external_id": annotation.item.external_id},
            "annotator": annotation.annotator.get_username(),
            "value": annotation.value,
            "unsure": annotation.unsure,
            "comment": annotation.comment,
            "lead_time_ms": annotation.lead_time_ms,
            "guideline_version": annotation.guideline_version,
            "round": annotation.round,
            "created_at": _time(annotation.created_at),
            "updated_at": _time(annotation.updated_at),
        }
    }


def item_settled_data(item: Item) -> dict[str, Any]:
    """item.settled: the final label, who set it and when."""
    return {
        "item": {
            "id": item.pk,
            "external_id": item.external_id,
            "final": {
                "value": item.final_value,
                "reviewer": item.final_reviewer.get_username() if item.final_reviewer else None,
                "decided_at": _time(item.final_decided_at),
            },
        }
    }


def guideline_data(
    *, number: int, changelog: str, author: str | None, published_at: datetime
) -> dict[str, Any]:
    """guideline.published: the new version's number and changelog (not its text)."""
    return {
        "guideline_version": {
            "number": number,
            "changelog": changelog,
            "author": author,
            "published_at": _time(published_at),
        }
    }


def import_job_data(job: ImportJob) -> dict[str, Any]:
    """job.finished for an import: its status, counts and errors (the first 20)."""
    return {
        "job": {
            "kind": "import",
            "id": job.pk,
            "status": job.status,
            "file": job.original_name,
            "items_created": job.items_created,
            "annotations_created": job.annotations_created,
            "predictions_created": job.predictions_created,
            "errors": list(job.errors or [])[:20],
            "finished_at": _time(job.finished_at),
        }
    }


def prelabel_job_data(job: PrelabelJob) -> dict[str, Any]:
    """job.finished for a pre-label job: its status, model version, counts and error."""
    return {
        "job": {
            "kind": "prelabel",
            "id": job.pk,
            "status": job.status,
            "backend": job.backend,
            "model_version": job.model_version,
            "total": job.total,
            "done": job.done,
            "error": job.error,
            "finished_at": _time(job.finished_at),
        }
    }
