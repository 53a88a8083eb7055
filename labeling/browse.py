"""The lead's items browser: filtered, keyset-paginated reads that stay fast at 1,000,000 items.

Paging is keyset ("after id X" / "before id X"; in a column sort, after (value, id), see
labeling.browse_sort), never OFFSET, so a deep page costs the same as the first one: the
database walks an index from the cursor and stops after `limit + 1` matching rows. Every filter reads columns of the item row itself (the
review app denormalises agreement, aggregate and final onto it); the flag filter arrives as
a precomputed item-id subquery from the frontend, so this module never imports review.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from labeling.browse_sort import (
    SortKey,
    cursor_of,
    decode_cursor,
    encode_cursor,
    parse_sort,
    sort_in_page,
    walk,
)
from labeling.models import Item, Project, Role
from labeling.permissions import project_for_role

STATUSES = ("unlabeled", "in_progress", "complete", "settled")
DEFAULT_LIMIT = 50
MAX_LIMIT = 200
# Ids a text-search page looks through at most (substring search cannot use an index).
SEARCH_WINDOW = 10_000
# External ids a search puts first on its first page: the exact match, then up to this many
# ids that start with the term (in id order of the project's own external ids).
PINNED_MAX = 10
# Only the columns a browser row shows; `data` is needed for the text snippet, `image` for
# the thumbnail.
ROW_FIELDS = (
    "id",
    "external_id",
    "data",
    "image",
    "is_gold",
    "gold_value",
    "annotation_count",
    "target_overlap",
    "agreement",
    "aggregate_value",
    "final_value",
)


@dataclass(frozen=True)
class BrowseFilters:
    """What the lead asked for; empty/None fields do not filter."""

    status: str = ""
    label: str = ""
    agreement_min: float | None = None
    agreement_max: float | None = None
    search: str = ""
    # Item ids to keep (e.g. items with an open flag of some reason), as a values("item_id") query.
    item_ids: QuerySet[Any] | None = None


@dataclass(frozen=True)
class BrowsePage:
    """One page of items, with the cursors for its neighbours (None = no page).

    Cursors are ids in the default id order (and for searches), "<value>~<id>" tokens in a
    column sort (labeling.browse_sort). `searched` is set for text searches: the id stretch
    (low, high] this page looked through.
    """

    items: list[Item]
    next_after: int | str | None
    prev_before: int | str | None
    searched: tuple[int, int] | None = None


def item_browse(
    user: AbstractBaseUser,
    project_id: int,
    filters: BrowseFilters,
    after_id: int | str | None = None,
    before_id: int | str | None = None,
    limit: int = DEFAULT_LIMIT,
    sort: str = "",
) -> BrowsePage:
    """A page of the project's items matching `filters`, for a lead of the project.

    `after_id` gives the page of items with id > after_id (ascending); `before_id` the page
    just before it; neither gives the first page. Raises NotFound for outsiders and
    PermissionDenied for members who are not leads. Cost is one index walk per page plus
    one short existence probe for the opposite direction. `sort` ("agreement", "-labels"...,
    see labeling.browse_sort) orders by a column; unknown values give the id order. With a
    search, the sort orders each search window page only.
    """
    project = project_for_role(user, project_id, (Role.LEAD,))
    limit = max(1, min(limit, MAX_LIMIT))
    base = item_filter(project, filters).only(*ROW_FIELDS)
    key = parse_sort(sort)
    if filters.search.strip():
        page = _search_page(project, base, _as_id(after_id), _as_id(before_id), limit)
        if key is not None:
            page = replace(page, items=sort_in_page(page.items, key))
        if after_id is None and before_id is None:
            page = _pin_id_matches(project, filters, page)
        return page
    if key is not None:
        return _sorted_page(base, key, after_id, before_id, limit)
    return _id_page(base, _as_id(after_id), _as_id(before_id), limit)


def _as_id(value: int | str | None) -> int | None:
    try:
        return int(value) if value is not None and value != "" else None
    except ValueError:
        return None


def _sorted_page(
    base: QuerySet[Item],
    key: SortKey,
    after: int | str | None,
    before: int | str | None,
    limit: int,
) -> BrowsePage:
    """Keyset paging on (value, id) in the key's order; a bad cursor gives the first page."""
    before_cursor = decode_cursor(key, before) if before is not None else None
    if before_cursor is not None:
        rows = walk(base, key, before_cursor, backward=True, count=limit + 1)
        items = list(reversed(rows[:limit]))
        prev = encode_cursor(key, items[0]) if len(rows) > limit else None
        return BrowsePage(items, encode_cursor(key, items[-1]) if items else None, prev)
    cursor = decode_cursor(key, after) if after is not None else None
    rows = walk(base, key, cursor, backward=False, count=limit + 1)
    items = rows[:limit]
    next_after = encode_cursor(key, items[-1]) if len(rows) > limit else None
    first = cursor_of(key, items[0]) if items else None
    has_prev = cursor is not None and bool(walk(base, key, first, backward=True, count=1))
    return BrowsePage(items, next_after, encode_cursor(key, items[0]) if has_prev else None)


def _id_page(
    base: QuerySet[Item], after_id: int | None, before_id: int | None, limit: int
) -> BrowsePage:
    if before_id is not None:
        rows = list(base.filter(id__lt=before_id).order_by("-id")[: limit + 1])
        more_before = len(rows) > limit
        items = list(reversed(rows[:limit]))
        next_after = items[-1].pk if items else None
        # Coming back from a later page, so something exists after this one.
        return BrowsePage(items, next_after, items[0].pk if more_before else None)
    query = base.filter(id__gt=after_id) if after_id is not None else base
    rows = list(query.order_by("id")[: limit + 1])
    items = rows[:limit]
    next_after = items[-1].pk if len(rows) > limit else None
    has_prev = bool(items) and after_id is not None and base.filter(id__lt=items[0].pk).exists()
    return BrowsePage(items, next_after, items[0].pk if has_prev else None)


def _search_page(
    project: Project, base: QuerySet[Item], after_id: int | None, before_id: int | None, limit: int
) -> BrowsePage:
    """Text search looks through at most SEARCH_WINDOW ids per page.

    Substring search has no index, so a rare term would otherwise scan the whole project;
    bounding the stretch keeps every page fast, and a short page says how far it looked
    (the next cursor continues from the end of the stretch).
    """
    ids = Item.objects.filter(project_id=project.pk)
    if before_id is not None:
        low = before_id - SEARCH_WINDOW
        rows = list(base.filter(id__lt=before_id, id__gte=low).order_by("-id")[: limit + 1])
        items = list(reversed(rows[:limit]))
        if len(rows) > limit:
            return BrowsePage(items, before_id - 1, items[0].pk, (items[0].pk - 1, before_id - 1))
        earlier = ids.filter(id__lt=low).exists()
        return BrowsePage(items, before_id - 1, low if earlier else None, (low - 1, before_id - 1))
    start = after_id if after_id is not None else _first_id(ids) - 1
    end = start + SEARCH_WINDOW
    rows = list(base.filter(id__gt=start, id__lte=end).order_by("id")[: limit + 1])
    items = rows[:limit]
    prev_before = start + 1 if after_id is not None else None
    if len(rows) > limit:
        return BrowsePage(items, items[-1].pk, prev_before, (start, items[-1].pk))
    later = ids.filter(id__gt=end).exists()
    return BrowsePage(items, end if later else None, prev_before, (start, end))


def _pin_id_matches(project: Project, filters: BrowseFilters, page: BrowsePage) -> BrowsePage:
    """Put the item whose external id is the term first, then ids starting with it.

    Both look only at this project's items (the (project, external_id) index), so an id is
    found on the first page however far it lies from the text-search window.
    """
    term = filters.search.strip()
    others = item_filter(project, replace(filters, search="")).only(*ROW_FIELDS)
    exact = list(others.filter(external_id=term)[:1])
    prefixed = list(
        others.filter(external_id__startswith=term)
        .exclude(external_id=term)
        .order_by("external_id")[:PINNED_MAX]
    )
    pinned = exact + prefixed
    seen = {item.pk for item in pinned}
    return replace(page, items=pinned + [item for item in page.items if item.pk not in seen])


def _first_id(ids: QuerySet[Item]) -> int:
    first = ids.order_by("id").values_list("id", flat=True).first()
    return first if first is not None else 0


def item_filter(project: Project, filters: BrowseFilters) -> QuerySet[Item]:
    """The project's items narrowed by `filters` (no ordering, no permission check)."""
    items = Item.objects.filter(project_id=project.pk)
    if filters.status:
        items = items.filter(_status_q(project, filters.status))
    if filters.label:
        items = items.filter(_label_q(project, filters.label))
    if filters.agreement_min is not None:
        items = items.filter(agreement__gte=filters.agreement_min)
    if filters.agreement_max is not None:
        items = items.filter(agreement__lte=filters.agreement_max)
    if filters.search.strip():
        term = filters.search.strip()
        items = items.filter(Q(external_id=term) | Q(data__text__icontains=term))
    if filters.item_ids is not None:
        items = items.filter(id__in=filters.item_ids)
    return items


def _status_q(project: Project, status: str) -> Q:
    """unlabeled: no annotation; in progress: some, below its overlap; complete: full overlap,
    not settled; settled: a reviewer set the final label."""
    if status not in STATUSES:
        return Q()
    if status == "settled":
        return Q(final_value__isnull=False)
    if status == "unlabeled":
        return Q(annotation_count=0, final_value__isnull=True)
    target = Coalesce(F("target_overlap"), project.overlap)
    if status == "in_progress":
        return Q(annotation_count__gt=0, annotation_count__lt=target, final_value__isnull=True)
    return Q(annotation_count__gte=target, final_value__isnull=True)


def _label_q(project: Project, label: str) -> Q:
    """Items whose aggregate or final label is `label` (per the schema's kind)."""
    kind = project.kind
    if kind == "single":
        return Q(aggregate_value__label=label) | Q(final_value__label=label)
    if kind == "multi":
        return Q(aggregate_value__labels__icontains=f'"{label}"') | Q(
            final_value__labels__icontains=f'"{label}"'
        )
    if kind == "rating":
        try:
            rating = int(label)
        except ValueError:
            return Q(pk__in=[])
        return Q(aggregate_value__rating=rating) | Q(final_value__rating=rating)
    if kind in ("spans", "boxes"):
        # A span or box with that label: its JSON text holds "label":"<label>" (SQLite writes
        # no space after the colon, PostgreSQL one); the closing quote keeps PER off PERSON.
        part = f'"label": ?{re.escape(json.dumps(label))}'
        return Q(**{f"aggregate_value__{kind}__regex": part}) | Q(
            **{f"final_value__{kind}__regex": part}
        )
    return Q()


def item_status(item: Item, project: Project) -> str:
    """The browser's status word for one item (same rules as the status filter)."""
    if item.final_value is not None:
        return "settled"
    if item.annotation_count == 0:
        return "unlabeled"
    target = item.target_overlap or project.overlap
    return "in_progress" if item.annotation_count < target else "complete"
