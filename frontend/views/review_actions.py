"""Form posts of the item review page: each calls one review service, then redirects back."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.shortcuts import redirect
from django.urls import reverse

from frontend.views.region_config import REGION_KINDS
from frontend.views.review_common import review_page
from frontend.views.review_undo import undo_offer_remember
from labeling.exceptions import AccordError, NotFound, ValueInvalid
from labeling.selectors_items import annotation_on_item_get_or_none
from review.selectors import queue
from review.selectors.item_review import item_review_get
from review.selectors.item_versions import AGGREGATE, ANNOTATION_PREFIX
from review.selectors.pages import flag_on_item_get_or_none
from review.services import decisions as decide
from review.services import settle

if TYPE_CHECKING:
    from labeling.models import Project


def _final_value(project: Project, post: Any) -> object:
    """The posted final value: labels from the picker; for spans and boxes, the JSON the
    regions editor writes into the form's hidden value_json field (checked by the service)."""
    if project.kind == "single":
        return {"label": post.get("label", "")}
    if project.kind == "multi":
        return {"labels": post.getlist("label")}
    if project.kind == "rating":
        raw = post.get("label", "")
        return {"rating": int(raw) if raw.lstrip("-").isdigit() else raw}
    try:
        return json.loads(post.get("value_json", ""))
    except ValueError as error:
        raise ValueInvalid("The value is not valid JSON") from error


def _source_name(view: Any, source: str) -> str:
    """How a taken version reads in the page's message: "the aggregate", "alice's version"."""
    if source == AGGREGATE:
        return "the aggregate"
    names = {f"{ANNOTATION_PREFIX}{a.pk}": a.annotator.username for a in view.annotations}
    return f"{names[source]}'s version" if source in names else "the chosen version"


def _final(request: HttpRequest, view: Any) -> str:
    source = request.POST.get("source", "")
    if source and view.project.kind in REGION_KINDS:
        # A version taken as it is: the service reads it from the item, the page sends no value.
        settle.final_label_take(
            item=view.item,
            reviewer=request.user,
            source=source,
            cause=request.POST.get("cause", ""),
            note=request.POST.get("note", ""),
        )
        return f"Final label set: {_source_name(view, source)}."
    decide.final_label_set(
        item=view.item,
        reviewer=request.user,
        value=_final_value(view.project, request.POST),
        cause=request.POST.get("cause", ""),
        note=request.POST.get("note", ""),
    )
    return "Final label set."


def _verdict(request: HttpRequest, view: Any) -> str:
    annotation = annotation_on_item_get_or_none(
        item=view.item, annotation_id=request.POST.get("annotation") or 0
    )
    if annotation is None:
        raise NotFound("No such annotation on this item")
    review = decide.annotation_verdict_set(
        annotation=annotation,
        reviewer=request.user,
        verdict=request.POST.get("verdict", ""),
        comment=request.POST.get("comment", ""),
    )
    return f"Annotation {review.verdict}."


def _send_back(request: HttpRequest, view: Any) -> str:
    ids = [int(pk) for pk in request.POST.getlist("annotators") if pk.isdigit()]
    decide.item_send_back(
        item=view.item, reviewer=request.user, annotator_ids=ids, note=request.POST.get("note", "")
    )
    return "Sent back for a new round."


def _dismiss(request: HttpRequest, view: Any) -> str:
    flag = flag_on_item_get_or_none(item=view.item, flag_id=request.POST.get("flag") or 0)
    if flag is None:
        raise NotFound("No such flag on this item")
    decide.flag_dismiss(flag=flag, reviewer=request.user, reason=request.POST.get("reason", ""))
    return "Flag dismissed."


def _comment(request: HttpRequest, view: Any) -> str:
    decide.comment_add(item=view.item, author=request.user, body=request.POST.get("body", ""))
    return "Comment added."


def _example(request: HttpRequest, view: Any) -> str:
    is_example = request.POST.get("is_example", "1") == "1"
    decide.example_mark(
        item=view.item,
        reviewer=request.user,
        note=request.POST.get("note", ""),
        is_example=is_example,
    )
    return "Marked as a guideline example." if is_example else "No longer an example."


ACTIONS = {
    "final": _final,
    "verdict": _verdict,
    "send-back": _send_back,
    "dismiss": _dismiss,
    "comment": _comment,
    "example": _example,
}


# Decisions that settle the item for now: the next item in the queue opens after them.
MOVE_ON = {"final", "send-back"}
# Actions the toast offers to undo (a comment is not a decision).
UNDOABLE_ACTIONS = {"final", "verdict", "send-back", "dismiss", "example"}


def _after(request: HttpRequest, project_id: int, item_id: int | None) -> str:
    """The page to show after an action (keeping the queue's filters): an item's review page,
    or with no item the queue itself (it says "All done" when nothing is left)."""
    query = request.POST.get("query", "")
    if item_id is None:
        target = reverse("review-queue", kwargs={"project_id": project_id})
    else:
        target = reverse("review-item", kwargs={"project_id": project_id, "item_id": item_id})
    return f"{target}?{query}" if query else target


@review_page
def review_action(request: HttpRequest, project_id: int, item_id: int, action: str) -> HttpResponse:
    """Run one review action (POST only); domain errors come back as a message on the page.

    A decision is offered for undo on the next page (see review_undo); a final label or a
    send-back moves on to the next item of the (filtered) queue.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    handler = ACTIONS.get(action)
    view = item_review_get(user=request.user, project_id=project_id, item_id=item_id)
    if handler is None:
        raise NotFound("No such action")
    upcoming = None
    if action in MOVE_ON:  # read before the decision moves the item out of the queue
        filters = queue.queue_filters_parse(QueryDict(request.POST.get("query", "")))
        upcoming = queue.queue_neighbour(
            user=request.user, project_id=project_id, item_id=item_id, filters=filters
        )
    try:
        text = handler(request, view)
    except AccordError as error:
        messages.error(request, error.message)
        return redirect(_after(request, project_id, item_id))
    if action in UNDOABLE_ACTIONS:
        undo_offer_remember(
            request, project_id=project_id, item_id=item_id,
            text=f"Item {view.item.external_id}: {text}",
        )
    else:
        messages.success(request, text)
    return redirect(_after(request, project_id, upcoming if action in MOVE_ON else item_id))
