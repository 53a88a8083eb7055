"""One item's values checked against its project's schema, with what the item itself bounds.

Every writer of a value that belongs to one item (an annotator's submit or edit, a reviewer's
final label) goes through `item_value_validate`, so span offsets are always checked against
the item's text and boxes against the image's stored width and height.
"""

from __future__ import annotations

from typing import Any

from labeling.models import Item
from labeling.schema import value_validate


def item_value_validate(*, schema: dict[str, Any], item: Item, value: object) -> dict[str, Any]:
    """`value` checked against `schema` and normalised (labeling.schema.value_validate).

    Span offsets must lie inside the item's text (data["text"], Python code points); boxes
    inside the image's width x height pixels when the item has both stored (an item without a
    stored size checks only that boxes are non-negative). Raises ValueInvalid with a message
    naming the part at fault.
    """
    text = item.data.get("text") if isinstance(item.data, dict) else None
    size = (item.width, item.height) if item.width and item.height else None
    return value_validate(schema, value, text=text if isinstance(text, str) else None, size=size)
