"""The project dashboard for leads and reviewers: progress, labels, agreement, flags, jobs, pace."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from frontend import charts_lead
from frontend.views.lead.access import LEAD_OR_REVIEWER, project_page
from frontend.views.lead.figures_cache import MAX_AGE_S, dashboard_figures
from labeling.choices import JobStatus, Role
from labeling.permissions import role_of
from review.choices import FlagReason
from review.selectors import figures

if TYPE_CHECKING:
    from labeling.models import Project


@project_page(LEAD_OR_REVIEWER)
def dashboard_page(request: HttpRequest, project: Project) -> HttpResponse:
    """Server-rendered charts. Large projects read the counters every write keeps, so a page
    view never scans the project (figures_cache)."""
    found = dashboard_figures(project)
    context = {
        "project": project,
        "is_lead": role_of(request.user, project) == Role.LEAD,  # type: ignore[arg-type]
        "figures": found,
        "max_age_s": MAX_AGE_S,
        "agreement": figures.agreement_headline(project),
        "jobs": figures.prelabel_jobs(project),
    }
    context.update(_charts(found))
    context["live"] = _work_going_on(found["progress"], context["jobs"])
    # The page polls itself (htmx, every 5 s) while work goes on; a poll gets the fragment only.
    template = "lead/_dashboard_live.html" if request.htmx else "lead/dashboard.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _charts(found: dict[str, Any]) -> dict[str, Any]:
    progress, throughput = found["progress"], found["throughput"]
    reasons = dict(FlagReason.choices)
    flags = [(str(reasons.get(reason, reason)), count) for reason, count in found["flags"]]
    parts = [
        ("done", progress["done"]),
        ("in progress", progress["in_progress"]),
        ("remaining", progress["remaining"]),
    ]
    return {
        "progress": progress,
        "progress_chart": charts_lead.stacked_bar(parts, title="Items by state"),
        "labels_chart": charts_lead.count_bars(
            found["labels"], title="Labels given", empty="No labels yet: they show here as annotators submit."
        ),
        "flags": flags,
        "flags_chart": charts_lead.count_bars(
            flags, title="Open flags by reason", empty="No open flags: nothing waits for review."
        ),
        "throughput_chart": charts_lead.columns(
            throughput, title="Annotations per day", axis_label=charts_lead.short_day
        ),
        "throughput_span": (throughput[0][0], throughput[-1][0]) if throughput else None,
        "throughput_total": sum(count for _, count in throughput),
    }


def _work_going_on(progress: dict[str, Any] | None, jobs: list[Any]) -> bool:
    """True while a pre-label job runs or items are partly labeled."""
    running = any(job.status in (JobStatus.PENDING, JobStatus.RUNNING) for job in jobs)
    return running or bool((progress or {}).get("in_progress"))
