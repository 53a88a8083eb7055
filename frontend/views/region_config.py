"""What the regions component (static/accord/regions/) reads: the schema's labels and one item.

Shared by the labeling screen, the history edit page and the review page, so the component
sees the same labels, colours and item shape everywhere.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse

from labeling.image_urls import image_url_allowed

if TYPE_CHECKING:
    from labeling.models import Item, Project

REGION_KINDS = ("spans", "boxes")  # drawn with the regions component


def region_labels(project: Project) -> list[dict[str, str]]:
    """The schema's labels as the component reads them: value, hotkey, description, colour."""
    return [
        {
            "value": label["value"],
            "hotkey": label.get("hotkey", ""),
            "description": label.get("description", ""),
            "color": label.get("color", ""),
        }
        for label in project.schema.get("labels", [])
    ]


def region_item(item: Item, project: Project | None = None) -> dict[str, Any]:
    """The item as the component reads it (the API's shape): data, image URL, width, height.

    An uploaded image is served by the item-image API; with `project`, an http(s) image on a
    host the project allows is used as it is.
    """
    image_url = None
    if item.image:
        image_url = reverse(
            "api-item-image", kwargs={"project_id": item.project_id, "item_id": item.pk}
        )
    elif project is not None:
        image_url = image_url_allowed(
            item.data if isinstance(item.data, dict) else {}, project.settings
        )
    return {"data": item.data, "image_url": image_url, "width": item.width, "height": item.height}
