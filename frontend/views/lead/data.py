"""The data page: import status, the items browser (filters + keyset paging) and gold marking."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from frontend.views.lead.access import project_page
from frontend.views.lead.item_words import STATUS_WORDS
from frontend.views.lead.sort_headers import sort_headers
from labeling.browse import SEARCH_WINDOW, STATUSES, BrowseFilters, item_browse, item_status
from labeling.browse_sort import parse_sort
from labeling.choices import JobStatus
from labeling.exceptions import ValueInvalid
from labeling.importers.parse.foreign import format_choices
from labeling.selectors import item_count_capped
from labeling.selectors_items import (
    import_job_get_or_none,
    import_job_recent_list,
    item_get_or_none,
)
from labeling.services import gold_clear, gold_set
from labeling.values import schema_labels, value_text
from review.choices import FlagReason
from review.selectors.pages import flagged_item_ids

if TYPE_CHECKING:
    from labeling.models import Item, Project

PAGE_SIZE = 50
# The page says how many items the project has up to this many, then "more than"; counting
# further would scan the project on every view (issue 20).
COUNT_CAP = 1_000
FILTER_KEYS = ("status", "label", "flag", "agreement_min", "agreement_max", "q", "sort")


@project_page()
def data_page(request: HttpRequest, project: Project) -> HttpResponse:
    """Upload form, recent imports and the items browser."""
    filters, raw = _filters(request, project)
    page = item_browse(
        request.user,  # type: ignore[arg-type]
        project.pk,
        filters,
        after_id=request.GET.get("after") or None,
        before_id=request.GET.get("before") or None,
        limit=PAGE_SIZE,
        sort=raw["sort"],
    )
    query = urlencode({key: value for key, value in raw.items() if value})
    # One reverse() per page, not per row: splice each id into the pattern's URL.
    head, tail = reverse("lead-item-gold", kwargs={"project_id": project.pk, "item_id": 0}).rsplit(
        "/0/", 1
    )
    rows = [_row(item, project, f"{head}/{item.pk}/{tail}", head) for item in page.items]
    context = {
        "project": project,
        "rows": rows,
        "page": page,
        "filters": raw,
        "query": query,
        "headers": sort_headers(raw),
        "filtered": any(value for key, value in raw.items() if key != "sort"),
        "statuses": [(status, STATUS_WORDS[status]) for status in STATUSES],
        "labels": schema_labels(project.schema),
        "reasons": FlagReason.choices,
        "jobs": import_job_recent_list(project=project, limit=5),
        "watch_job": _int(request.GET.get("job")),
        "search_window": f"{SEARCH_WINDOW:,}",
        "import_formats": format_choices(),
        "item_total": _total_text(item_count_capped(project=project, cap=COUNT_CAP)),
    }
    return render(request, "lead/data.html", context)


def _total_text(count: int) -> str:
    if count > COUNT_CAP:
        return f"more than {COUNT_CAP:,} items"
    return f"{count:,} item{'' if count == 1 else 's'}"


def _row(item: Item, project: Project, gold_url: str, items_url: str) -> dict[str, Any]:
    data = item.data if isinstance(item.data, dict) else {}
    status = item_status(item, project)
    return {
        "item": item,
        "url": f"{items_url}/{item.pk}/",
        "status": status,
        "status_word": STATUS_WORDS[status],
        "text": _clip(str(data.get("text") or data.get("image") or ""), 90),
        "aggregate": _clip(value_text(item.aggregate_value), 60),
        "final": _clip(value_text(item.final_value), 60),
        "agreement": "\u2013" if item.agreement is None else f"{item.agreement:.2f}",
        "gold_url": gold_url,
    }


def _clip(text: str, limit: int) -> str:
    """Cut long text for a table cell (cheaper than the truncatechars filter, 50 rows a page)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@project_page()
def import_status(request: HttpRequest, project: Project, job_id: int) -> HttpResponse:
    """The import job's progress fragment; it keeps polling (htmx, every 1 s) until the job ends."""
    job = import_job_get_or_none(project=project, job_id=job_id)
    if job is None:
        raise Http404("No such import job")
    percent = round(100 * job.bytes_done / job.bytes_total) if job.bytes_total else 0
    running = job.status in (JobStatus.PENDING, JobStatus.RUNNING)
    context = {"project": project, "job": job, "percent": percent, "running": running}
    return render(request, "lead/_import_status.html", context)


@require_http_methods(["GET", "POST"])
@project_page()
def item_gold(request: HttpRequest, project: Project, item_id: int) -> HttpResponse:
    """GET: the gold form fragment for one row. POST: mark the item gold with its answer
    (validated by the schema), or unmark it."""
    item = item_get_or_none(project=project, item_id=item_id)
    if item is None:
        raise Http404("No such item")
    if request.method == "GET":
        back = urlsplit(request.headers.get("HX-Current-URL", ""))
        context = {
            "project": project,
            "item": item,
            "labels": schema_labels(project.schema),
            "gold": json.dumps(item.gold_value),
            "back": f"{back.path}?{back.query}" if back.path else "",
        }
        return render(request, "lead/_gold_form.html", context)
    if request.POST.get("clear"):
        gold_clear(item=item, actor=request.user)  # type: ignore[arg-type]
        messages.success(request, f"{item.external_id} is no longer gold.")
    else:
        try:
            gold_set(item=item, value=_gold_value(request, project), actor=request.user)  # type: ignore[arg-type]
        except ValueInvalid as error:
            messages.error(request, f"{item.external_id}: {error.message}")
        else:
            messages.success(request, f"{item.external_id} is now a gold item.")
    back = request.POST.get("back", "")
    if back.startswith("/") and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return redirect(back)
    return redirect("lead-data", project_id=project.pk)


def _gold_value(request: HttpRequest, project: Project) -> Any:
    """Single-label projects pick a label; other kinds type the value as JSON."""
    if project.kind == "single":
        return {"label": request.POST.get("label", "")}
    try:
        return json.loads(request.POST.get("value", ""))
    except json.JSONDecodeError:
        return None


def _filters(request: HttpRequest, project: Project) -> tuple[BrowseFilters, dict[str, str]]:
    raw = {key: request.GET.get(key, "").strip() for key in FILTER_KEYS}
    sort = parse_sort(raw["sort"])
    raw["sort"] = sort.param if sort is not None else ""  # an unknown sort is the id order
    item_ids = None
    if raw["flag"] in FlagReason.values:
        item_ids = flagged_item_ids(project=project, reason=raw["flag"])
    filters = BrowseFilters(
        status=raw["status"] if raw["status"] in STATUSES else "",
        label=raw["label"],
        agreement_min=_float(raw["agreement_min"]),
        agreement_max=_float(raw["agreement_max"]),
        search=raw["q"],
        item_ids=item_ids,
    )
    return filters, raw


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _float(value: str) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None
