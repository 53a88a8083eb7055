"""Pages of a project's webhooks, under its settings (leads only)."""

from django.urls import path

from frontend.views.lead import webhooks

HOOK = "projects/<int:project_id>/settings/webhooks/<int:hook_id>/"
urlpatterns = [
    path("projects/<int:project_id>/settings/webhooks/", webhooks.webhooks_page, name="lead-webhooks"),
    path(HOOK, webhooks.webhook_page, name="lead-webhook"),
    path(f"{HOOK}delete/", webhooks.webhook_delete_page, name="lead-webhook-delete"),
    path(f"{HOOK}ping/", webhooks.webhook_ping_page, name="lead-webhook-ping"),
    path(
        f"{HOOK}deliveries/<int:delivery_id>/redeliver/",
        webhooks.delivery_redeliver_page,
        name="lead-webhook-redeliver",
    ),
]
