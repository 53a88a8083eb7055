"""The Webhooks section of a project's settings (leads only): hooks, a test ping, the log.

A hook's secret is shown once, on the page that answers its creation (or a change of secret);
it is never put in a redirect, a message cookie or a later page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from frontend.views.lead.access import project_page
from frontend.views.lead.webhook_forms import WebhookForm
from labeling.exceptions import AccordError, NotFound
from labeling.services.webhooks import (
    delivery_redeliver,
    webhook_create,
    webhook_delete,
    webhook_ping,
    webhook_update,
)
from labeling.webhooks import selectors

if TYPE_CHECKING:
    from labeling.models import Project, Webhook

LOG_PAGE = 25


@project_page()
def webhooks_page(request: HttpRequest, project: Project) -> HttpResponse:
    """The project's hooks and a form to add one; POST adds it and shows its secret once."""
    form = WebhookForm(request.POST if request.method == "POST" else None)
    created, status = None, 200
    if request.method == "POST":
        created = _save(form, lambda args: webhook_create(project=project, actor=request.user, **args))  # type: ignore[arg-type]
        status = 201 if created else 400
        if created:
            form = WebhookForm()
    context = {
        "project": project,
        "hooks": selectors.webhook_list(user=request.user, project_id=project.pk),
        "form": form,
        "created": created,
    }
    return render(request, "lead/webhooks.html", context, status=status)


def _hook(request: HttpRequest, project: Project, hook_id: int) -> Webhook:
    try:
        return selectors.webhook_get(user=request.user, project_id=project.pk, webhook_id=hook_id)
    except NotFound as error:
        raise Http404(error.message) from error


def _save(form: WebhookForm, write: Any) -> Webhook | None:
    """Run `write(service args)` if the form is valid; a service error lands on the form."""
    if not form.is_valid():
        return None
    try:
        return write(form.service_args())  # type: ignore[no-any-return]
    except AccordError as error:
        form.add_error(None, error.message)
        return None


@project_page()
def webhook_page(request: HttpRequest, project: Project, hook_id: int) -> HttpResponse:
    """Edit one hook and read its delivery log, newest first (?before=<id> pages back)."""
    hook = _hook(request, project, hook_id)
    initial = {"url": hook.url, "events": hook.events, "is_active": hook.is_active}
    form = WebhookForm(request.POST if request.method == "POST" else None, initial=initial)
    status, new_secret = 200, ""
    if request.method == "POST":
        saved = _save(form, lambda args: webhook_update(webhook=hook, actor=request.user, **args))  # type: ignore[arg-type]
        if saved is None:
            status = 400
        elif not form.cleaned_data["secret"]:
            messages.success(request, "Webhook saved.")
            return redirect("lead-webhook", project_id=project.pk, hook_id=hook.pk)
        else:
            hook, new_secret = saved, saved.secret
            form = WebhookForm(initial={"url": hook.url, "events": hook.events, "is_active": hook.is_active})
    context = {"project": project, "hook": hook, "form": form, "new_secret": new_secret,
               **_log(request, project, hook)}
    return render(request, "lead/webhook.html", context, status=status)


def _log(request: HttpRequest, project: Project, hook: Webhook) -> dict[str, Any]:
    """One page of the delivery log: rows, and the id to page back from (None at the end)."""
    before = request.GET.get("before", "")
    rows = selectors.delivery_list(
        user=request.user,
        project_id=project.pk,
        webhook_id=hook.pk,
        before_id=int(before) if before.isdigit() else None,
    )
    page = list(rows[: LOG_PAGE + 1])
    older = page[LOG_PAGE - 1].pk if len(page) > LOG_PAGE else None
    return {"deliveries": page[:LOG_PAGE], "older": older, "paged": before.isdigit()}


@require_POST
@project_page()
def webhook_delete_page(request: HttpRequest, project: Project, hook_id: int) -> HttpResponse:
    """Remove the hook and its log."""
    hook = _hook(request, project, hook_id)
    webhook_delete(webhook=hook, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, "Webhook deleted.")
    return redirect("lead-webhooks", project_id=project.pk)


@require_POST
@project_page()
def webhook_ping_page(request: HttpRequest, project: Project, hook_id: int) -> HttpResponse:
    """Queue a test ping; its result shows in the log."""
    hook = _hook(request, project, hook_id)
    webhook_ping(webhook=hook, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, "Test ping queued: its result shows in the log below.")
    return redirect("lead-webhook", project_id=project.pk, hook_id=hook.pk)


@require_POST
@project_page()
def delivery_redeliver_page(
    request: HttpRequest, project: Project, hook_id: int, delivery_id: int
) -> HttpResponse:
    """Send a delivery's event again (a new log line with the same event id)."""
    try:
        delivery = selectors.delivery_get(
            user=request.user, project_id=project.pk, webhook_id=hook_id, delivery_id=delivery_id
        )
    except NotFound as error:
        raise Http404(error.message) from error
    delivery_redeliver(delivery=delivery, actor=request.user)  # type: ignore[arg-type]
    messages.success(request, "Redelivery queued.")
    return redirect("lead-webhook", project_id=project.pk, hook_id=hook_id)
