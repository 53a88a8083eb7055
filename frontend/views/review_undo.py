"""The review pages' Undo toast: offer the last decision for UNDO_SECONDS, and take it back.

After a decision the view remembers its audit entry in the session; the next review page
shows the toast once (role=status, with an Undo button and the U key) until the offer ends.
"""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

from frontend.views.review_common import review_page
from labeling.exceptions import AccordError
from labeling.ids import column_int
from labeling.permissions import STAFF_ROLES, project_for_role
from review.selectors.pages import audit_entry_latest_own
from review.services.undo import UNDO_SECONDS, UNDOABLE, decision_undo

SESSION_KEY = "review_undo"


def undo_offer_remember(request: HttpRequest, *, project_id: int, item_id: int, text: str) -> None:
    """Offer the user's latest decision on the item (if it is undoable) on the next page."""
    entry = audit_entry_latest_own(
        user=request.user, project_id=project_id, item_id=item_id, actions=UNDOABLE  # type: ignore[arg-type]
    )
    if entry is None:
        return
    request.session[SESSION_KEY] = {
        "entry": entry.pk,
        "project": project_id,
        "text": text,
        "until_ms": int((time.time() + UNDO_SECONDS) * 1000),
    }


def undo_offer_take(request: HttpRequest, project_id: int) -> dict[str, Any] | None:
    """The pending offer for this project's page, once (it leaves the session), while it lasts."""
    offer = request.session.pop(SESSION_KEY, None)
    if not offer or offer.get("project") != project_id:
        return None
    return offer if offer["until_ms"] > time.time() * 1000 else None


@review_page
def review_undo(request: HttpRequest, project_id: int) -> HttpResponse:
    """POST entry=<audit entry id>: undo that decision, then show its item again."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    project_for_role(request.user, project_id, STAFF_ROLES)
    entry_id = column_int(request.POST.get("entry"))
    try:
        item = decision_undo(project_id=project_id, entry_id=entry_id or 0, reviewer=request.user)
    except AccordError as error:
        messages.error(request, error.message)
        return redirect("review-queue", project_id=project_id)
    messages.success(request, f"Undone. Item {item.external_id} is as it was.")
    back = reverse("review-item", kwargs={"project_id": project_id, "item_id": item.pk})
    query = request.POST.get("query", "")
    return redirect(f"{back}?{query}" if query else back)
