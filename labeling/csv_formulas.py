"""Every CSV Accord writes goes through `csv_writer`: cells a spreadsheet would run as a formula
are neutralised.

A cell starting with =, +, -, @, tab or carriage return is a formula to Excel, LibreOffice
and Google Sheets; annotators write comments and labels that a lead opens in one (issue 21).
OWASP's rule: prefix such a cell with a single quote, which the spreadsheet shows as text.
Plain numbers ("-3", "+1.5") are left alone: they are no formula and stay numbers.
settings.ACCORD_CSV_NEUTRALISE_FORMULAS = False writes every cell as it is (machine consumers).
The CSV importer undoes the quote (`cell_restore`), so export -> import gives the same items.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def cell_neutralise(value: object) -> object:
    """`value`, or "'" + value when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def cell_restore(cell: str) -> str:
    """Undo `cell_neutralise`: a quote followed by what would be a formula is dropped."""
    if cell.startswith("'") and cell[1:].startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(cell[1:]):
        return cell[1:]
    return cell


class _NeutralisingWriter:
    """A csv.writer whose rows have their cells neutralised first."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def writerow(self, row: Iterable[object]) -> Any:
        return self.inner.writerow([cell_neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(buffer: Any, **options: Any) -> Any:
    """csv.writer(buffer, **options), neutralising formulas unless the setting turns it off."""
    writer = csv.writer(buffer, **options)
    if not settings.ACCORD_CSV_NEUTRALISE_FORMULAS:
        return writer
    return _NeutralisingWriter(writer)
