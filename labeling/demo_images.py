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


def demo_image(number: int) -> bytes:
    """PNG bytes of demo picture `number`: two to four shapes that do not overlap."""
    rng = random.Random(number)  # noqa: S311 - picture layout, not a secret
    picture = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUNDS[number % len(BACKGROUNDS)])
    pen = ImageDraw.Draw(picture)
    for slot in rng.sample(range(6), rng.randint(2, 4)):  # a 3 x 2 grid of cells, one shape each
        size = rng.randint(70, 140)
        left = (slot % 3) * 213 + rng.randint(10, 200 - size)
        top = (slot // 3) * 240 + rng.randint(10, 230 - size)
        box = (left, top, left + size, top + size)
        colour = rng.choice(COLOURS)
        if rng.random() < 0.5:
            pen.ellipse(box, fill=colour)
        else:
            pen.rectangle(box, fill=colour)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()
