"""SVG charts of counts for the lead dashboard (frontend.charts draws agreement on [-1, 1]).

Every function returns one <svg> as a SafeString; all user text (labels, reasons) is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from frontend.chart_tables import data_table

FONT = 'font-family="system-ui, sans-serif" font-size="12"'
ACCENT = "#2859c5"
# Each segment at least 3:1 against the white page (WCAG 1.4.11); neighbours are kept apart
# by a white gap, so no two fills ever touch.
SEGMENT_COLOURS = ("#1f7a46", "#a65300", "#5b6474")
SEGMENT_GAP = 2
CHAR_W = 7  # a generous average glyph width at 12 px, for sizing label columns


def label_width(labels: Sequence[str], *, least: int = 60) -> int:
    """Room for the longest label at 12 px, so none is cut at the chart's left edge."""
    return max([least] + [len(label) * CHAR_W + 12 for label in labels])


def _svg(width: int, height: int, title: str, body: list[str]) -> SafeString:
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'role="img" aria-label="{escape(title)}" {FONT}><title>{escape(title)}</title>'
    )
    return mark_safe(head + "".join(body) + "</svg>")  # noqa: S308 - every text part is escaped


def count_bars(
    rows: Sequence[tuple[str, int]], *, title: str, empty: str = "Nothing yet."
) -> SafeString:
    """Horizontal bars, one per (label, count), scaled to the largest count; `empty` says
    what to do or expect when there are no rows."""
    bar_w, row_h = 260, 22
    label_w = label_width([label for label, _ in rows])
    top = max((count for _, count in rows), default=0) or 1
    body = []
    for index, (label, count) in enumerate(rows):
        y = index * row_h + 4
        width = bar_w * count / top
        body.append(
            f'<text x="{label_w - 6}" y="{y + 14}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 3}" width="{width:.1f}" height="{row_h - 8}" fill="{ACCENT}">'
            f"<title>{escape(label)}: {count}</title></rect>"
            f'<text x="{label_w + width + 6:.1f}" y="{y + 14}">{count}</text>'
        )
    if not rows:
        body.append(f'<text x="10" y="18">{escape(empty)}</text>')
    table = data_table(title, ["", "Count"], rows)
    width = max(label_w + bar_w + 60, len(empty) * CHAR_W + 20 if not rows else 0)
    return _svg(width, max(row_h * len(rows), row_h) + 8, title, body) + table


def short_day(iso_day: str) -> str:
    """'2026-12-07' -> '12-07' for a day axis; anything else as given."""
    year, dash, rest = iso_day.partition("-")
    return rest if dash and len(year) == 4 and year.isdigit() else iso_day


def columns(
    rows: Sequence[tuple[str, int]], *, title: str, axis_label: Callable[[str], str] = str
) -> SafeString:
    """Vertical columns, one per (label, count) - e.g. annotations per day - with a y axis
    (0 and the top count) and every second label on the x axis (the last one always).
    The x axis shows `axis_label(label)` (a short form); tooltips and the table the full label."""
    col_w, plot_h, pad, left = 34, 120, 24, 40
    top = max((count for _, count in rows), default=0) or 1
    right = left + col_w * len(rows)
    body = [
        f'<line x1="{left}" y1="{pad + plot_h}" x2="{right}" y2="{pad + plot_h}" stroke="#5b6474"/>'
        f'<line x1="{left}" y1="{pad}" x2="{left}" y2="{pad + plot_h}" stroke="#5b6474"/>'
        f'<text x="{left - 6}" y="{pad + plot_h + 4}" text-anchor="end">0</text>'
        f'<text x="{left - 6}" y="{pad + 4}" text-anchor="end">{top}</text>'
    ]
    for index, (label, count) in enumerate(rows):
        height = plot_h * count / top
        x = left + index * col_w + 3
        centre = x + (col_w - 6) / 2
        body.append(
            f'<rect x="{x}" y="{pad + plot_h - height:.1f}" width="{col_w - 6}" height="{height:.1f}" '
            f'fill="{ACCENT}"><title>{escape(label)}: {count}</title></rect>'
        )
        if count:
            body.append(
                f'<text x="{centre:.1f}" y="{pad + plot_h - height - 4:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
        if index % 2 == (len(rows) - 1) % 2:
            body.append(
                f'<text x="{centre:.1f}" y="{pad + plot_h + 18}" text-anchor="middle">'
                f"{escape(axis_label(label))}</text>"
            )
    table = data_table(title, ["", "Count"], rows)
    return _svg(right + pad, plot_h + pad * 2 + 8, title, body) + table


def stacked_bar(parts: Sequence[tuple[str, int]], *, title: str) -> SafeString:
    """One bar split into parts (e.g. done / in progress / remaining), with a legend below."""
    width, bar_h = 520, 26
    total = sum(count for _, count in parts) or 1
    body, x = [], 0.0
    for index, (label, count) in enumerate(parts):
        share = width * count / total
        colour = SEGMENT_COLOURS[index % len(SEGMENT_COLOURS)]
        drawn = max(share - SEGMENT_GAP, 0) if count else 0
        body.append(
            f'<rect class="segment" x="{x:.1f}" y="0" width="{drawn:.1f}" height="{bar_h}" '
            f'fill="{colour}"><title>{escape(label)}: {count}</title></rect>'
            f'<rect x="{index * 170}" y="{bar_h + 10}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{index * 170 + 18}" y="{bar_h + 21}">{escape(label)} {count}</text>'
        )
        x += share
    return _svg(width, bar_h + 30, title, body) + data_table(title, ["", "Count"], parts)
