"""WCAG 2.1 colour contrast: relative luminance, contrast ratio, and the ink for a fill.

Pure functions on CSS colours as charts write them ("#rgb", "#rrggbb", "hsl(h, s%, l%)").
"""

from __future__ import annotations

import colorsys
import re

DARK_INK = "#000"  # black: on any fill, black or white reaches at least 4.58:1
LIGHT_INK = "#fff"
_HSL = re.compile(r"hsl\(\s*([\d.]+)\s*,\s*([\d.]+)%\s*,\s*([\d.]+)%\s*\)")


def rgb(colour: str) -> tuple[float, float, float]:
    """The colour's sRGB channels on [0, 1]. Raises ValueError for a form it does not know."""
    colour = colour.strip().lower()
    match = _HSL.fullmatch(colour)
    if match:
        hue, saturation, lightness = (float(part) for part in match.groups())
        return colorsys.hls_to_rgb(hue / 360, lightness / 100, saturation / 100)
    digits = colour.removeprefix("#")
    if len(digits) == 3:
        digits = "".join(char * 2 for char in digits)
    if len(digits) != 6 or not re.fullmatch(r"[0-9a-f]{6}", digits):
        raise ValueError(f"not a colour: {colour!r}")
    red, green, blue = (int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return red, green, blue


def luminance(colour: str) -> float:
    """WCAG relative luminance: 0 for black, 1 for white."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink_on(fill: str) -> str:
    """Dark or light text, whichever contrasts more with `fill` (always at least 4.5:1)."""
    dark, light = contrast_ratio(fill, DARK_INK), contrast_ratio(fill, LIGHT_INK)
    return DARK_INK if dark >= light else LIGHT_INK
