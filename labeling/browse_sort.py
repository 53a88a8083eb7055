"""Sorted keyset paging for the items browser: pages ordered by a column, never OFFSET.

The order is a total one: (value, id), both ascending or both descending, so equal values
(ties) are broken by id and every page boundary is one (value, id) cursor. Items whose value
is NULL (agreement only) come last in both directions, themselves in id order of the sort's
direction. A page walks two segments: the non-NULL rows from the cursor, then the NULL ones
(both ranges of the same index).

Indexes that serve each sort on PostgreSQL: annotation_count -> item_progress_idx
(project, annotation_count, id); agreement -> item_agreement_idx (project, agreement, id);
external_id -> item_external_id_sort_idx (project, external_id, id): the unique
(project, external_id) index uses the pattern operator class, which cannot order rows. The
cursor condition is a row comparison (value, id) > (v, i), one index range on PostgreSQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.db.models.fields.tuple_lookups import (
    Tuple,
    TupleGreaterThan,
    TupleLessThan,
    TupleLookupMixin,
)

from labeling.models import Item

# The `sort` parameter's names (a leading "-" reverses) and the Item column each orders by.
SORT_FIELDS = {"external_id": "external_id", "labels": "annotation_count", "agreement": "agreement"}
NULLABLE = {"agreement"}
# The cursor is "<value>~<id>"; the id never holds the separator, so the value may.
SEPARATOR = "~"
NULL_TEXT = "null"


@dataclass(frozen=True)
class SortKey:
    name: str
    field: str
    descending: bool

    @property
    def param(self) -> str:
        return f"-{self.name}" if self.descending else self.name

    @property
    def nullable(self) -> bool:
        return self.field in NULLABLE


@dataclass(frozen=True)
class Cursor:
    value: Any  # None = the item's value is NULL
    id: int


def parse_sort(raw: str | None) -> SortKey | None:
    """The sort a `sort` parameter asks for; None (the default id order) for anything unknown."""
    raw = (raw or "").strip()
    name = raw.removeprefix("-")
    if name not in SORT_FIELDS:
        return None
    return SortKey(name, SORT_FIELDS[name], raw.startswith("-"))


def encode_cursor(key: SortKey, item: Item) -> str:
    value = getattr(item, key.field)
    text = NULL_TEXT if value is None else (repr(value) if key.field == "agreement" else value)
    return f"{text}{SEPARATOR}{item.pk}"


def cursor_of(key: SortKey, item: Item) -> Cursor:
    return Cursor(getattr(item, key.field), item.pk)


def decode_cursor(key: SortKey, raw: Any) -> Cursor | None:
    """The cursor a token names, or None (first page) for a malformed one."""
    text, sep, pk = str(raw or "").rpartition(SEPARATOR)
    if not sep or not pk.isdigit():
        return None
    try:
        value = _value(key, text)
    except ValueError:
        return None
    return Cursor(value, int(pk))


def _value(key: SortKey, text: str) -> Any:
    if key.field == "external_id":
        return text
    if key.nullable and text == NULL_TEXT:
        return None
    if key.field == "annotation_count":
        return int(text)
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(text)
    return number


def walk(
    base: QuerySet[Item], key: SortKey, cursor: Cursor | None, backward: bool, count: int
) -> list[Item]:
    """Up to `count` rows strictly after (or, backward, before) `cursor` in the sort order,
    nearest first. No cursor: from the start (or, backward, the end)."""
    up = key.descending == backward
    segments = [False, True] if key.nullable else [False]  # True = the NULL segment
    if backward:
        segments.reverse()
    if cursor is not None and key.nullable:
        segments = segments[segments.index(cursor.value is None) :]
    rows: list[Item] = []
    for null in segments:
        query = _segment(base, key, null, up)
        if cursor is not None and (cursor.value is None) == null:
            query = query.filter(_beyond(key, cursor, up))
        rows += list(query[: count - len(rows)])
        if len(rows) >= count:
            break
    return rows


def _segment(base: QuerySet[Item], key: SortKey, null: bool, up: bool) -> QuerySet[Item]:
    sign = "" if up else "-"
    if null:
        return base.filter(**{f"{key.field}__isnull": True}).order_by(f"{sign}id")
    if key.nullable:
        base = base.filter(**{f"{key.field}__isnull": False})
    return base.order_by(f"{sign}{key.field}", f"{sign}id")


def _beyond(key: SortKey, cursor: Cursor, up: bool) -> Q | TupleLookupMixin:
    """Rows past the cursor: a row comparison (value, id) > (v, i), which PostgreSQL answers
    as one index range on (project, value, id) (an OR of the two parts it cannot)."""
    if cursor.value is None:
        return Q(**{f"id__{'gt' if up else 'lt'}": cursor.id})
    lookup = TupleGreaterThan if up else TupleLessThan
    return lookup(Tuple(F(key.field), F("id")), (cursor.value, cursor.id))


def sort_in_page(items: list[Item], key: SortKey) -> list[Item]:
    """A search page's rows ordered by the key (the search window only), NULLs last."""
    present = [item for item in items if getattr(item, key.field) is not None]
    missing = [item for item in items if getattr(item, key.field) is None]
    present.sort(key=lambda item: (getattr(item, key.field), item.pk), reverse=key.descending)
    missing.sort(key=lambda item: item.pk, reverse=key.descending)
    return present + missing
