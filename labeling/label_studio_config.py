"""Label Studio's XML labeling config to an Accord label schema (pure, no Django).

<Choices> (choice="single" or "multiple"), <Rating> (maxRating), <Labels> (spans on a
<Text>) and <RectangleLabels> (boxes on an <Image>) map to the kinds single, multi, rating,
spans and boxes, with their values, hotkeys and background colours. One control per config;
any other element is refused by name. The XML may not declare a DOCTYPE or entities (no
entity expansion, no external files), so hostile configs cannot blow up or read anything.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError, XMLParser, fromstring

from labeling.exceptions import SchemaError
from labeling.schema import schema_validate

MAX_CONFIG_CHARS = 100_000
CONTROLS = ("Choices", "Rating", "Labels", "RectangleLabels")
OBJECTS = {"Text": "text", "HyperText": "text", "Image": "image"}
LAYOUT = ("View", "Header", "Style")
_DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def schema_from_label_studio(config: str) -> dict[str, Any]:
    """The validated Accord schema of a Label Studio config; SchemaError names what is wrong."""
    root = _parse(config)
    controls, data_types = [], set()
    for element in root.iter():
        if element.tag in CONTROLS:
            controls.append(element)
        elif element.tag in OBJECTS:
            data_types.add(OBJECTS[element.tag])
        elif element.tag not in LAYOUT and element.tag not in ("Choice", "Label"):
            raise SchemaError(f"Label Studio config: <{element.tag}> has no Accord equivalent")
    if len(controls) != 1:
        found = ", ".join(f"<{c.tag} name={c.get('name')!r}>" for c in controls) or "none"
        raise SchemaError(f"Label Studio config: an Accord project takes exactly one of {', '.join(CONTROLS)}; found {found}")
    if len(data_types) > 1:
        raise SchemaError("Label Studio config: an Accord item is a text or an image, not both")
    return schema_validate(_schema(controls[0], data_types.pop() if data_types else "text"))


def _parse(config: str) -> Element:
    if len(config) > MAX_CONFIG_CHARS:
        raise SchemaError(f"Label Studio config: over {MAX_CONFIG_CHARS:,} characters")
    if _DECLARATION.search(config):
        raise SchemaError("Label Studio config: DOCTYPE and ENTITY declarations are not allowed")
    try:
        return fromstring(config, parser=XMLParser())  # noqa: S314 - declarations refused above
    except ParseError as error:
        raise SchemaError(f"Label Studio config: not valid XML ({error})") from None


def _schema(control: Element, data: str) -> dict[str, Any]:
    if control.tag == "Rating":
        top = control.get("maxRating", "5")
        if not top.isdigit() or int(top) < 2:
            raise SchemaError(f"Label Studio config: <Rating> maxRating must be a whole number of 2 or more; got {top!r}")
        return {"kind": "rating", "data": data, "scale": {"min": 1, "max": int(top)}}
    if control.tag == "Choices":
        kind = "multi" if control.get("choice", "single") == "multiple" else "single"
    else:
        kind = "spans" if control.tag == "Labels" else "boxes"
    return {"kind": kind, "data": data, "labels": [_label(child, control.tag) for child in control]}


def _label(child: Element, control: str) -> dict[str, Any]:
    value = child.get("value")
    if child.tag not in ("Choice", "Label") or not value:
        raise SchemaError(f"Label Studio config: <{control}> holds <{child.tag}>; expected <Choice>/<Label> with a value")
    label: dict[str, Any] = {"value": value}
    if child.get("hotkey"):
        label["hotkey"] = child.get("hotkey")
    if child.get("background"):
        label["color"] = child.get("background")
    return label
