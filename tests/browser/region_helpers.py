"""Helpers for the span and box browser tests: projects, images, and screen coordinates."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from labeling.models import Project
from tests.factories import ItemFactory, MembershipFactory, UserFactory

SPANS_SCHEMA = {
    "kind": "spans",
    "data": "text",
    "labels": [
        {"value": "PER", "hotkey": "1"},
        {"value": "ORG", "hotkey": "2"},
        {"value": "LOC", "hotkey": "3"},
    ],
}
BOXES_SCHEMA = {
    "kind": "boxes",
    "data": "image",
    "labels": [{"value": "circle", "hotkey": "1"}, {"value": "square", "hotkey": "2"}],
}

# The client rectangles of text offsets [a, b) (UTF-16) inside the span text box.
RANGE_RECT = """([a, b]) => {
  const box = document.querySelector('.span-text');
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  let seen = 0, node;
  while ((node = walker.nextNode())) {
    const len = node.data.length;
    if (a >= seen && a <= seen + len && !range.__start) { range.setStart(node, a - seen); range.__start = 1; }
    if (b >= seen && b <= seen + len) { range.setEnd(node, b - seen); break; }
    seen += len;
  }
  const r = range.getBoundingClientRect();
  return {x: r.left, y: r.top, width: r.width, height: r.height};
}"""

# The overlay's mapping: viewport rectangle and viewBox (image pixels shown).
VIEW = """() => {
  const svg = document.querySelector('.boxes-overlay');
  const r = svg.getBoundingClientRect();
  const [vx, vy, vw, vh] = svg.getAttribute('viewBox').split(' ').map(Number);
  return {left: r.left, top: r.top, width: r.width, height: r.height, vx, vy, vw, vh};
}"""


def region_project(schema, *, texts=(), images=(), **fields):
    """A project with user `ann` as annotator and one item per text or (width, height) image."""
    project = Project.objects.create(name=f"Browser {schema['kind']}", schema=schema, **fields)
    user = UserFactory(username="ann")
    MembershipFactory(project=project, user=user)
    items = [ItemFactory(project=project, data={"text": text}) for text in texts]
    for n, size in enumerate(images):
        items.append(image_item(project, f"img-{n}.png", size))
    return project, user, items


def image_item(project, name, size):
    buffer = io.BytesIO()
    picture = Image.new("RGB", size, (235, 238, 242))
    pen = ImageDraw.Draw(picture)
    pen.ellipse((100, 100, 220, 220), fill=(0, 114, 178))
    pen.rectangle((350, 200, 470, 320), fill=(213, 94, 0))
    picture.save(buffer, format="PNG")
    item = ItemFactory(project=project, data={"image": name})
    item.image.save(name, ContentFile(buffer.getvalue()), save=False)
    item.width, item.height = size
    item.save()
    return item


def open_screen(page, login, project, ready=".span-text span[data-start], .boxes-overlay g"):
    login(page, "ann")
    page.goto(f"{page.base}/projects/{project.pk}/annotate/")
    page.wait_for_selector("#item-card:not([hidden])")
    page.wait_for_selector(ready, state="attached")


def text_point(page, a, b, where=0.5):
    """A screen point inside the text between UTF-16 offsets a and b (fraction `where` across),
    in whole pixels: Chromium starts no drag-selection from a fractional mouse position."""
    rect = page.evaluate(RANGE_RECT, [a, b])
    return round(rect["x"] + rect["width"] * where), round(rect["y"] + rect["height"] / 2)


def screen_point(page, ix, iy):
    """The viewport point (whole CSS pixels) nearest to image pixel (ix, iy)."""
    v = page.evaluate(VIEW)
    return (
        round(v["left"] + (ix - v["vx"]) * v["width"] / v["vw"]),
        round(v["top"] + (iy - v["vy"]) * v["height"] / v["vh"]),
    )


def image_point(page, sx, sy):
    """The image pixel (fractional) under viewport point (sx, sy), as the screen computes it."""
    v = page.evaluate(VIEW)
    return (
        v["vx"] + (sx - v["left"]) * v["vw"] / v["width"],
        v["vy"] + (sy - v["top"]) * v["vh"] / v["height"],
    )
