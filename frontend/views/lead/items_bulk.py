"""Bulk actions of the items browser (delete with confirmation, gold from the current label,
clear gold) and the gold answers upload."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontend.views.lead.access import project_page
from labeling.exceptions import AccordError
from labeling.importers.parse.gold_file import gold_answers_read
from labeling.selectors_items import item_delete_summary, item_gold_list
from labeling.services import gold_bulk_set, gold_clear, gold_from_labels, items_delete

if TYPE_CHECKING:
    from labeling.models import Project

MAX_GOLD_UPLOAD = 20 * 1024 * 1024


def _ids(request: HttpRequest) -> list[int]:
    return [int(value) for value in request.POST.getlist("ids") if value.isdigit()]


@require_POST
@project_page()
def items_bulk(request: HttpRequest, project: Project) -> HttpResponse:
    """`action` delete (asks first: confirm=1 deletes), gold (current label), ungold."""
    ids, action = _ids(request), request.POST.get("action", "")
    if not ids:
        messages.error(request, "Select items first.")
        return redirect("lead-data", project_id=project.pk)
    try:
        if action == "delete":
            if request.POST.get("confirm") != "1":
                return _confirm_page(request, project, ids)
            count = items_delete(project=project, item_ids=ids, actor=request.user)  # type: ignore[arg-type]
            messages.success(request, f"Deleted {count} item{'' if count == 1 else 's'}.")
        elif action == "gold":
            count = gold_from_labels(project=project, item_ids=ids, actor=request.user)  # type: ignore[arg-type]
            messages.success(request, f"{count} item{'' if count == 1 else 's'} made gold from their current label; items without a label were left as they were.")
        elif action == "ungold":
            for item in item_gold_list(project=project, item_ids=ids):
                gold_clear(item=item, actor=request.user)  # type: ignore[arg-type]
            messages.success(request, "Gold answers cleared.")
        else:
            messages.error(request, "Choose an action.")
    except AccordError as error:
        messages.error(request, error.message)
    return redirect("lead-data", project_id=project.pk)


def _confirm_page(request: HttpRequest, project: Project, ids: list[int]) -> HttpResponse:
    context = {"project": project, **item_delete_summary(project=project, item_ids=ids)}
    return render(request, "lead/items_delete.html", context)


@require_POST
@project_page()
def gold_upload(request: HttpRequest, project: Project) -> HttpResponse:
    """Set gold answers from an uploaded CSV (external_id,gold) or JSON Lines file."""
    upload = request.FILES.get("gold_file")
    if upload is None or (upload.size or 0) > MAX_GOLD_UPLOAD:
        messages.error(request, "Choose a gold file (CSV or JSON Lines, at most 20 MB).")
        return redirect("lead-data", project_id=project.pk)
    try:
        answers = gold_answers_read(upload.read(), name=upload.name or "gold.csv")
        count = gold_bulk_set(project=project, answers=answers, actor=request.user)  # type: ignore[arg-type]
    except AccordError as error:
        problems = error.details if isinstance(error.details, list) else []
        detail = "; ".join(str(p.get("message")) for p in problems[:5] if isinstance(p, dict))
        messages.error(request, f"{error.message}{': ' + detail if detail else ''}")
    else:
        messages.success(request, f"{count} gold answer{'' if count == 1 else 's'} set.")
    return redirect("lead-data", project_id=project.pk)
