"""Label Studio webhook payloads for model servers: the project, task and annotation objects.

Shapes follow what Label Studio POSTs to an ML backend's /webhook: START_TRAINING sends
{"action", "project"}, ANNOTATION_CREATED and ANNOTATION_UPDATED send {"action", "annotation",
"task", "project"}. label-studio-ml reads the label config from project.label_config and hands
the whole payload to the model's fit(event=..., data=...).
"""

from __future__ import annotations

from typing import Any

from labeling.models import Annotation, Item, Project
from labeling.prelabel.ls_format import label_config, results_from_value
from labeling.prelabel.training import item_input


def _time(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def project_payload(project: Project, *, project_key: str) -> dict[str, Any]:
    """The project object: id, title, description, label_config and Accord's project key."""
    return {
        "id": project.pk,
        "title": project.name,
        "description": project.description,
        "label_config": label_config(project.schema),
        "created_at": _time(project.created_at),
        "accord_project": project_key,
    }


def task_payload(item: Item, *, image_url: str | None) -> dict[str, Any]:
    """The task object: id, data (an image item's image as the image endpoint's URL), project."""
    data = dict(item.data) if isinstance(item.data, dict) else {}
    if image_url is not None:
        data["image"] = image_url
    return {
        "id": item.pk,
        "data": data,
        "project": item.project_id,
        "created_at": _time(item.created_at),
        "is_labeled": item.final_value is not None,
        "meta": {"external_id": item.external_id},
    }


def annotation_payload(annotation: Annotation, schema: dict[str, Any]) -> dict[str, Any]:
    """The annotation object: id, result regions, task, project, completed_by, times."""
    lead_time = annotation.lead_time_ms / 1000 if annotation.lead_time_ms is not None else None
    return {
        "id": annotation.pk,
        "result": results_from_value(schema, annotation.value, item_input(annotation.item)),
        "task": annotation.item_id,
        "project": annotation.project_id,
        "completed_by": annotation.annotator_id,
        "created_at": _time(annotation.created_at),
        "updated_at": _time(annotation.updated_at),
        "lead_time": lead_time,
        "was_cancelled": False,
        "ground_truth": False,
    }
