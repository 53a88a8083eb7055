"""Numbers typed by users that end up compared with integer columns (ids, version numbers).

SQLite raises OverflowError on a parameter beyond 64 bits (a 500); read such text as no number.
"""

from __future__ import annotations

# The largest value a database integer column (SQLite INTEGER, PostgreSQL bigint) holds.
MAX_ID = 2**63 - 1


def column_int(text: object) -> int | None:
    """The non-negative integer in `text` if a database column can hold it, else None.

    Accepts an int or a string of digits (surrounding spaces allowed); anything else, a
    negative number or one above MAX_ID gives None.
    """
    raw = str(text).strip() if text is not None else ""
    if not raw.isdecimal() or not raw.isascii():
        return None
    value = int(raw)
    return value if value <= MAX_ID else None
