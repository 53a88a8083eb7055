"""Keyset (cursor) pagination for lists that grow with a project (issue 20).

A page is "the next `page_size` rows after this key", read by walking an index from the
cursor, so the millionth page costs what the first does. No COUNT(*) and no OFFSET: a
response carries {"next", "previous", "results"}, where next/previous are opaque URLs
(null at either end). A cursor only encodes a position in a list the caller may already
read, so a forged one reaches no other rows.
"""

from __future__ import annotations

from rest_framework.pagination import CursorPagination

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


class IdCursorPagination(CursorPagination):
    """Pages in ascending id order (the primary key: unique and indexed); ?page_size up to 500."""

    ordering = "id"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class NewestCursorPagination(IdCursorPagination):
    """Newest change first: by updated_at, ties (same instant) broken by the cursor's offset."""

    ordering = ("-updated_at", "-id")


class QueryOrderCursorPagination(IdCursorPagination):
    """The default for every list: cursor pages in the order the list's queryset gives
    (versions newest first, tokens newest first), or by id when it gives none."""

    def get_ordering(self, request, queryset, view):  # type: ignore[no-untyped-def]
        ordering = tuple(str(field) for field in queryset.query.order_by)
        return ordering or super().get_ordering(request, queryset, view)
