"""Small server-rendered SVG charts (no JavaScript, no CDN). Reusable by any page.

Every function returns a SafeString of one <svg> element; all text passes
through escape(), so labels from users (label names, usernames) are safe.
Values may be None (undefined): bars and cells then show "n/a" instead of
a made-up number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from frontend.chart_tables import data_table
from frontend.contrast import ink_on

FONT = 'font-family="system-ui, sans-serif" font-size="12"'
CELL, MARGIN = 34, 110  # heatmap cell size and label margin (px)


@dataclass(frozen=True)
class Point:
    """One point of a line chart, with an optional interval."""

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" style="max-width:100%;height:auto" role="img" aria-label="{escape(title)}" {FONT}>'
        f"<title>{escape(title)}</title>"
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text part is escaped


def value_colour(
    value: float | None, low: float = 0.0, high: float = 1.0, *, sequential: bool = False
) -> str:
    """Red (low) to green (high), or light to dark blue when ``sequential``; grey for undefined."""
    if value is None:
        return "#d9dde4"
    share = min(max((value - low) / (high - low), 0.0), 1.0) if high > low else 0.5
    if sequential:
        return f"hsl(220, 65%, {round(92 - share * 52)}%)"
    return f"hsl({round(share * 120)}, 60%, 45%)"


def _fmt(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def bar_chart(
    rows: Sequence[tuple[str, float | None]], *, title: str, low: float = -1.0
) -> SafeString:
    """Horizontal bars on [low, 1] with a zero line; None shows 'n/a'."""
    label_w, bar_w, row_h = 110, 200, 22
    height = row_h * len(rows) + 10
    zero = label_w + bar_w * (0 - low) / (1 - low)
    body = [f'<line x1="{zero:.1f}" y1="0" x2="{zero:.1f}" y2="{height}" stroke="#5b6474"/>']
    for i, (label, value) in enumerate(rows):
        y = i * row_h + 5
        body.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
        )
        if value is not None:
            end = label_w + bar_w * (max(value, low) - low) / (1 - low)
            x, w = min(zero, end), abs(end - zero)
            body.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="{value_colour(value)}"><title>{escape(label)}: {_fmt(value, 3)}</title></rect>'
            )
        text_x = label_w + bar_w + 6
        body.append(f'<text x="{text_x}" y="{y + 14}">{_fmt(value, 3)}</text>')
    table = data_table(title, ["Label", "Value"], [(label, _fmt(v, 3)) for label, v in rows])
    return _svg(label_w + bar_w + 60, height, title, body) + table


def heatmap(
    labels: Sequence[str],
    matrix: Sequence[Sequence[float | None]],
    *,
    title: str,
    low: float = 0.0,
    high: float = 1.0,
    row_labels: Sequence[str] | None = None,
    sequential: bool = False,
) -> SafeString:
    """Square cells coloured by value, with the value written in each cell.

    ``sequential`` colours by intensity (for probabilities such as confusion
    matrices, where a low value is not bad); otherwise red to green.
    """
    rows = list(row_labels) if row_labels is not None else list(labels)
    width, height = MARGIN + CELL * len(labels) + 60, MARGIN + CELL * len(rows)
    body = []
    for j, label in enumerate(labels):
        x = MARGIN + j * CELL + CELL / 2
        body.append(
            f'<text x="{x:.1f}" y="{MARGIN - 6}" transform="rotate(-45 {x:.1f} {MARGIN - 6})">'
            f"{escape(label)}</text>"
        )
    for i, label in enumerate(rows):
        y = MARGIN + i * CELL
        body.append(
            f'<text x="{MARGIN - 6}" y="{y + CELL / 2 + 4:.1f}" text-anchor="end">{escape(label)}</text>'
        )
        for j, value in enumerate(matrix[i]):
            fill = value_colour(value, low, high, sequential=sequential)
            colours = (fill, ink_on(fill))
            body.append(_cell(MARGIN + j * CELL, y, value, f"{label} / {labels[j]}", colours))
    cells = [[label, *(_fmt(value) for value in matrix[i])] for i, label in enumerate(rows)]
    return _svg(width, height, title, body) + data_table(title, ["", *labels], cells)


def _cell(x: int, y: int, value: float | None, name: str, colours: tuple[str, str]) -> str:
    """One heatmap cell: coloured square, tooltip, and the value written inside."""
    fill, ink = colours
    text = "" if value is None else _fmt(value)
    return (
        f'<rect x="{x}" y="{y}" width="{CELL - 2}" height="{CELL - 2}" fill="{fill}">'
        f"<title>{escape(name)}: {_fmt(value, 3)}</title></rect>"
        f'<text x="{x + CELL / 2 - 1:.1f}" y="{y + CELL / 2 + 3:.1f}" text-anchor="middle" '
        f'font-size="12" fill="{ink}">{text}</text>'
    )


def histogram(edges: Sequence[float], counts: Sequence[int], *, title: str) -> SafeString:
    """Vertical bars, one per bin, with counts on top and bin edges below."""
    bar_w, plot_h, pad = 40, 140, 24
    top = max(max(counts, default=0), 1)
    body = []
    for i, count in enumerate(counts):
        h = plot_h * count / top
        x = pad + i * bar_w
        body.append(
            f'<rect x="{x}" y="{pad + plot_h - h:.1f}" width="{bar_w - 4}" height="{h:.1f}" '
            f'fill="{value_colour(edges[i + 1])}"><title>{edges[i]:.1f}-{edges[i + 1]:.1f}: '
            f"{count}</title></rect>"
            f'<text x="{x + bar_w / 2 - 2}" y="{pad + plot_h - h - 4:.1f}" text-anchor="middle">'
            f"{count}</text>"
        )
    for i, edge in enumerate(edges):
        x = pad + i * bar_w - 2
        body.append(f'<text x="{x}" y="{pad + plot_h + 16}" text-anchor="middle">{edge:.1f}</text>')
    bins = [(f"{edges[i]:.1f} to {edges[i + 1]:.1f}", n) for i, n in enumerate(counts)]
    table = data_table(title, ["Range", "Count"], bins)
    return _svg(pad * 2 + bar_w * len(counts), plot_h + pad * 2 + 8, title, body) + table


@dataclass(frozen=True)
class _Frame:
    """Plot area of a line chart: x position per point index, y position per value."""

    width: int
    height: int
    pad: int
    low: float
    high: float
    count: int

    def x(self, index: int) -> float:
        return self.pad + index * (self.width - 2 * self.pad) / max(self.count - 1, 1)

    def y(self, value: float) -> float:
        value = min(max(value, self.low), self.high)
        span = (self.height - 2 * self.pad) * (value - self.low) / (self.high - self.low)
        return self.height - self.pad - span


def _reference_lines(frame: _Frame) -> list[str]:
    """Zero, and Krippendorff's 0.667 / 0.800 thresholds as dashed lines."""
    right = frame.width - frame.pad
    body = [
        f'<line x1="{frame.pad}" y1="{frame.y(0):.1f}" x2="{right}" y2="{frame.y(0):.1f}" '
        'stroke="#d9dde4"/>'
    ]
    for mark in (0.667, 0.8):
        y = frame.y(mark)
        body.append(
            f'<line x1="{frame.pad}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#a15c00" '
            f'stroke-dasharray="4 3"/><text x="2" y="{y + 4:.1f}">{mark:.3f}</text>'
        )
    return body


def _band(frame: _Frame, points: Sequence[Point]) -> list[str]:
    """The shaded interval between the points' low and high values."""
    band = [(frame.x(i), p.low, p.high) for i, p in enumerate(points) if p.low is not None]
    band = [(x, lo, hi) for x, lo, hi in band if hi is not None]
    if len(band) < 2:
        return []
    upper = [f"{x:.1f},{frame.y(hi):.1f}" for x, _, hi in band]
    lower = [f"{x:.1f},{frame.y(lo):.1f}" for x, lo, _ in reversed(band)]
    return [f'<polygon points="{" ".join(upper + lower)}" fill="#2859c5" opacity="0.15"/>']


def _date_axis(frame: _Frame, points: Sequence[Point]) -> list[str]:
    """The x axis with the first and last point's label (their dates), the middle one too
    when there is room, and a y label for each end of the scale."""
    bottom = frame.height - frame.pad
    body = [
        f'<line x1="{frame.pad}" y1="{bottom}" x2="{frame.width - frame.pad}" y2="{bottom}" '
        'stroke="#5b6474"/>',
        f'<text x="{frame.pad - 4}" y="{frame.y(frame.high) + 4:.1f}" text-anchor="end">'
        f"{frame.high:g}</text>",
    ]
    shown = sorted({0, len(points) - 1} | ({len(points) // 2} if len(points) >= 5 else set()))
    for index in shown:
        if 0 <= index < len(points):
            anchor = "start" if index == 0 else "end" if index == len(points) - 1 else "middle"
            body.append(
                f'<text x="{frame.x(index):.1f}" y="{bottom + 18}" text-anchor="{anchor}">'
                f"{escape(points[index].label)}</text>"
            )
    return body


def line_chart(
    points: Sequence[Point], *, title: str, low: float = -0.2, high: float = 1.0
) -> SafeString:
    """Values over time with a shaded interval band; None values are skipped, not drawn as 0."""
    frame = _Frame(520, 200, 40, low, high, len(points))
    body = _reference_lines(frame) + _band(frame, points) + _date_axis(frame, points)
    line = [(frame.x(i), p.label, p.value) for i, p in enumerate(points) if p.value is not None]
    if line:
        coords = " ".join(f"{x:.1f},{frame.y(v):.1f}" for x, _, v in line)
        body.append(f'<polyline fill="none" stroke="#2859c5" stroke-width="2" points="{coords}"/>')
    for x, label, value in line:
        body.append(
            f'<circle cx="{x:.1f}" cy="{frame.y(value):.1f}" r="3" fill="#2859c5">'
            f"<title>{escape(label)}: {_fmt(value, 3)}</title></circle>"
        )
    rows = [(p.label, _fmt(p.value, 3), _fmt(p.low, 3), _fmt(p.high, 3)) for p in points]
    table = data_table(title, ["When", "Value", "Low", "High"], rows)
    return _svg(frame.width, frame.height, title, body) + table
