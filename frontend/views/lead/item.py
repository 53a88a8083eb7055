"""The item page: one item's data and everything that happened to it (reviewers and leads).

Annotators never reach it (403): it shows every annotator's label side by side.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from frontend.views.lead.access import LEAD_OR_REVIEWER, project_page
from frontend.views.lead.item_words import STATUS_WORDS, flag_details
from labeling.browse import item_status
from labeling.exceptions import NotFound
from labeling.permissions import role_of
from labeling.values import value_text
from review.selectors.item_review import item_review_get

if TYPE_CHECKING:
    from labeling.models import Project

# Data keys shown on their own (text, image); any other key is listed under "More data".
SHOWN_KEYS = ("text", "image")


@project_page(LEAD_OR_REVIEWER)
def item_page(request: HttpRequest, project: Project, item_id: int) -> HttpResponse:
    """The item with its annotations, predictions, flags, review history and audit entries."""
    try:
        view = item_review_get(user=request.user, project_id=project.pk, item_id=item_id)  # type: ignore[arg-type]
    except NotFound as error:
        raise Http404(error.message) from error
    item = view.item
    data = item.data if isinstance(item.data, dict) else {}
    context = {
        "project": project,
        "item": item,
        "is_lead": role_of(request.user, project) == "lead",
        "text": str(data.get("text") or ""),
        "more_data": [(key, value) for key, value in data.items() if key not in SHOWN_KEYS],
        "status": STATUS_WORDS[item_status(item, project)],
        "aggregate": value_text(item.aggregate_value),
        "final": value_text(item.final_value),
        "gold": value_text(item.gold_value),
        "annotations": [_annotation(a) for a in view.annotations],
        "rounds": sorted({a.round for a in view.annotations}) or [item.round],
        "predictions": [{"p": p, "value": value_text(p.value)} for p in view.predictions],
        "flags": [{"flag": f, "details": flag_details(f.details)} for f in view.flags],
        "decisions": [{"d": d, "value": value_text(d.value)} for d in view.decisions],
        "audit": view.audit,
    }
    return render(request, "lead/item.html", context)


def _annotation(annotation: Any) -> dict[str, Any]:
    review = getattr(annotation, "review", None)
    return {
        "a": annotation,
        "value": value_text(annotation.value),
        "verdict": review.get_verdict_display() if review else "",
    }
