"""Pictures for the demo boxes project, drawn with Pillow when seed_demo runs (no files shipped).

Each picture is 640 x 480: a pale background with a few circles and squares whose placement
depends only on the picture's number, so a re-seed draws the same pictures.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw

WIDTH, HEIGHT = 640, 480
BACKGROUNDS = [(236, 240, 244), (244, 238, 228), (230, 242, 236)]
COLOURS = [(0, 114, 178), (213, 94, 0), (0, 158, 115), (204, 121, 167)]


Shape = tuple[tuple[int, int, int, int], str, tuple[int, int, int]]


def demo_shapes(number: int) -> list[Shape]:
    """The shapes of demo picture `number`: ((left, top, right, bottom), "circle" or "square",
    colour), two to four of them that do not overlap (what the demo story's annotators box)."""
    rng = random.Random(number)  # noqa: S311 - picture layout, not a secret
    shapes: list[Shape] = []
    for slot in rng.sample(range(6), rng.randint(2, 4)):  # a 3 x 2 grid of cells, one shape each
        size = rng.randint(70, 140)
        left = (slot % 3) * 213 + rng.randint(10, 200 - size)
        top = (slot // 3) * 240 + rng.randint(10, 230 - size)
        colour = rng.choice(COLOURS)
        kind = "circle" if rng.random() < 0.5 else "square"
        shapes.append(((left, top, left + size, top + size), kind, colour))
    return shapes


def demo_image(number: int) -> bytes:
    """PNG bytes of demo picture `number` (its `demo_shapes` on a pale background)."""
    picture = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUNDS[number % len(BACKGROUNDS)])
    pen = ImageDraw.Draw(picture)
    for box, kind, colour in demo_shapes(number):
        if kind == "circle":
            pen.ellipse(box, fill=colour)
        else:
            pen.rectangle(box, fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
