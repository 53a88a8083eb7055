"""The data of a chart as a table in a <details> element, so it reads without the picture
(WCAG 1.1.1 and 1.4.1): every chart in frontend.charts and frontend.charts_lead adds one."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def data_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> SafeString:
    """A collapsed table: a header row, then one row per entry (its first cell heads the row)."""
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = "".join(
        f'<tr><th scope="row">{escape(row[0])}</th>'
        + "".join(f"<td>{escape(cell)}</td>" for cell in row[1:])
        + "</tr>"
        for row in rows
    )
    return mark_safe(  # noqa: S308 - every cell and header is escaped
        f'<details class="chart-data"><summary>{escape(title)}: the data as a table</summary>'
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></details>"
    )
