"""Guideline pages: the version in force, history, diffs, the lead's editor, acknowledgement,
the labeling side panel, stale labels and guideline-gap material. Thin: guidelines services
and selectors do the work; domain errors become 404/403 through `_project`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.csp import allow_images_from
from frontend.views.access import member_page
from guidelines import selectors, services
from guidelines.diff_rendered import rendered_diff_html
from guidelines.markdown import project_image_hosts, render_markdown
from labeling.choices import Role
from labeling.exceptions import AccordError, NotFound
from labeling.ids import column_int
from labeling.permissions import role_of
from labeling.selectors_items import item_example_list
from review.selectors.guideline_gaps import guideline_gap_list

View = Callable[..., HttpResponse]
GAP_LIMIT = 200  # guideline-gap items shown at once, newest decisions first
EXAMPLES_SHOWN = 200  # example items the editor offers to link
STALE_SHOWN = 500  # stale items listed; "send all back" still covers every one


_http_errors = member_page  # NotFound -> 404, PermissionDenied -> 403


def _annotate_url(project_id: int) -> str:
    try:
        return reverse("annotate", kwargs={"project_id": project_id})
    except NoReverseMatch:
        return reverse("home")


def _base(request: HttpRequest, project_id: int, roles: tuple[str, ...] = selectors.ANY_ROLE):
    project = selectors.guideline_project(user=request.user, project_id=project_id, roles=roles)
    role = role_of(request.user, project)
    allow_images_from(request, project_image_hosts(project))
    return {"project": project, "role": role, "is_lead": role == Role.LEAD}


def _item_url(project_id: int, item_id: int) -> str:
    try:
        return reverse("review-item", kwargs={"project_id": project_id, "item_id": item_id})
    except NoReverseMatch:
        return ""


def _version_context(version: Any, project: Any, role: str | None) -> dict[str, Any]:
    if version is None:
        return {"version": None}
    groups = selectors.examples_by_label(version=version, schema=project.schema)
    if role in (Role.REVIEWER, Role.LEAD):  # only staff may open an item's review page
        for group in groups:
            group["examples"] = [
                {**example, "url": _item_url(project.pk, example["item_id"])}
                for example in group["examples"]
            ]
    return {
        "version": version,
        "html": mark_safe(  # noqa: S308 - sanitised by nh3
            render_markdown(version.markdown, image_hosts=project_image_hosts(project))
        ),
        "groups": groups,
    }


@require_GET
@_http_errors
def guideline_page(request: HttpRequest, project_id: int) -> HttpResponse:
    """The version in force, rendered, with its examples under their labels."""
    context = _base(request, project_id)
    version = selectors.version_in_force(user=request.user, project_id=project_id)
    context.update(_version_context(version, context["project"], context["role"]))
    context["pending"] = selectors.acknowledgement_pending(user=request.user, project_id=project_id)
    return render(request, "guidelines/page.html", context)


@require_GET
@_http_errors
def guideline_panel(request: HttpRequest, project_id: int) -> HttpResponse:
    """HTML fragment for the labeling screen's side panel (any member)."""
    context = _base(request, project_id)
    version = selectors.version_in_force(user=request.user, project_id=project_id)
    context.update(_version_context(version, context["project"], context["role"]))
    return render(request, "guidelines/_panel.html", context)


@require_GET
@_http_errors
def guideline_versions(request: HttpRequest, project_id: int) -> HttpResponse:
    """Version history with a picker to diff any two versions."""
    context = _base(request, project_id)
    context["versions"] = list(selectors.version_list(user=request.user, project_id=project_id))
    return render(request, "guidelines/versions.html", context)


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    number = column_int(request.GET.get(name, default))
    return default if number is None else number


@require_GET
@_http_errors
def guideline_diff(request: HttpRequest, project_id: int) -> HttpResponse:
    """Inline word diff between versions ?old=N&new=M (defaults: the last two)."""
    context = _base(request, project_id)
    current = context["project"].guideline_version
    new = _int_param(request, "new", current)
    old = _int_param(request, "old", max(new - 1, 0))
    try:
        diff = selectors.version_diff(user=request.user, project_id=project_id, old=old, new=new)
    except NotFound as error:
        raise Http404(error.message) from error
    context.update({"diff": diff, "diff_html": mark_safe(diff.html)})  # noqa: S308 - escaped
    context["versions"] = list(selectors.version_list(user=request.user, project_id=project_id))
    return render(request, "guidelines/diff.html", context)


@require_http_methods(["GET", "POST"])
@_http_errors
def guideline_ack(request: HttpRequest, project_id: int) -> HttpResponse:
    """What changed since my last acknowledgement; POST acknowledges and returns to labeling."""
    context = _base(request, project_id)
    if request.method == "POST":
        try:
            services.acknowledge(user=request.user, project=context["project"])
        except AccordError as error:
            messages.error(request, error.message)
        return redirect(_annotate_url(project_id))
    pending = selectors.acknowledgement_pending(user=request.user, project_id=project_id)
    context.update({"pending": pending, "next_url": _annotate_url(project_id)})
    if pending is not None:
        before = pending.old.markdown if pending.old else ""
        html = rendered_diff_html(
            before, pending.new.markdown, image_hosts=project_image_hosts(context["project"])
        )
        context["diff_html"] = mark_safe(html)  # noqa: S308 - sanitised by render_markdown
        context.update(_version_context(pending.new, context["project"], context["role"]))
    return render(request, "guidelines/ack.html", context)


@require_http_methods(["GET", "POST"])
@_http_errors
def guideline_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    """The lead's editor: draft Markdown, changelog line, live preview, examples, publish."""
    context = _base(request, project_id, roles=selectors.LEAD_ONLY)
    project = context["project"]
    if request.method == "POST":
        services.draft_save(
            project=project,
            author=request.user,
            markdown=request.POST.get("markdown", ""),
            changelog=request.POST.get("changelog", ""),
        )
        if "publish" not in request.POST:
            messages.success(request, "Draft saved.")
            return redirect("guideline_edit", project_id=project_id)
        return _publish(request, project)
    draft = selectors.draft_get(user=request.user, project_id=project_id)
    context.update(
        {
            "draft": draft,
            "preview": mark_safe(  # noqa: S308 - sanitised by nh3
                render_markdown(draft.draft_markdown, image_hosts=project_image_hosts(project))
            ),
            "examples": item_example_list(project=project, limit=EXAMPLES_SHOWN),
        }
    )
    return render(request, "guidelines/edit.html", context)


def _publish(request: HttpRequest, project: Any) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("examples") if value.isdigit()]
    try:
        version = services.version_publish(
            project=project,
            author=request.user,
            changelog=request.POST.get("changelog", ""),
            example_item_ids=ids,
        )
    except AccordError as error:
        messages.error(request, error.message)
        return redirect("guideline_edit", project_id=project.pk)
    messages.success(request, f"Published version {version.number}.")
    return redirect("guideline_stale", project_id=project.pk)


@require_POST
@_http_errors
def guideline_preview(request: HttpRequest, project_id: int) -> HttpResponse:
    """htmx: the posted Markdown rendered and sanitised exactly as a published version would be."""
    project = _base(request, project_id, roles=selectors.LEAD_ONLY)["project"]
    html = render_markdown(
        request.POST.get("markdown", ""), image_hosts=project_image_hosts(project)
    )
    return HttpResponse(html or '<p class="muted">Nothing to preview.</p>')


@require_http_methods(["GET", "POST"])
@_http_errors
def guideline_stale(request: HttpRequest, project_id: int) -> HttpResponse:
    """Items labeled under older versions, narrowed to changed labels; POST sends them back."""
    context = _base(request, project_id, roles=selectors.LEAD_ONLY)
    stale = selectors.stale_items(user=request.user, project_id=project_id)
    if request.method == "POST":
        chosen = set(request.POST.getlist("items"))
        send_all = "all" in request.POST
        ids = [row["item_id"] for row in stale if send_all or str(row["item_id"]) in chosen]
        sent = services.send_back_stale(project=context["project"], lead=request.user, item_ids=ids)
        messages.success(request, f"Sent {len(sent)} items back for re-annotation.")
        return redirect("guideline_stale", project_id=project_id)
    context.update({"stale": stale[:STALE_SHOWN], "stale_total": len(stale)})
    return render(request, "guidelines/stale.html", context)


@require_GET
@_http_errors
def guideline_gaps(request: HttpRequest, project_id: int) -> HttpResponse:
    """Items reviewers settled with cause "guideline gap": material for the next version."""
    context = _base(request, project_id, roles=selectors.LEAD_ONLY)
    # The review queue's own reader, so both pages list the same decisions (issue 19).
    context["decisions"] = guideline_gap_list(user=request.user, project_id=project_id, limit=GAP_LIMIT)  # type: ignore[arg-type]
    return render(request, "guidelines/gaps.html", context)
