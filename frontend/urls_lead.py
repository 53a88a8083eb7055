"""Pages of the lead area: new project, settings, data, members, dashboard and export."""

from django.urls import path

from frontend.nav import register_project_link
from frontend.views.lead import (
    dashboard,
    data,
    export,
    invites,
    item,
    items_bulk,
    label_studio,
    lifecycle,
    members,
    projects,
    uploads,
)

urlpatterns = [
    path("projects/new/", projects.project_new, name="lead-project-new"),
    path("projects/new/label-studio/", label_studio.project_from_label_studio, name="lead-project-from-label-studio"),
    path("projects/<int:project_id>/settings/", projects.project_settings, name="lead-settings"),
    path("projects/<int:project_id>/settings/archive/", lifecycle.project_archive_toggle, name="lead-project-archive"),
    path("projects/<int:project_id>/settings/delete/", lifecycle.project_delete, name="lead-project-delete"),
    path("projects/<int:project_id>/data/", data.data_page, name="lead-data"),
    path("projects/<int:project_id>/data/items/bulk/", items_bulk.items_bulk, name="lead-items-bulk"),
    path("projects/<int:project_id>/data/gold/", items_bulk.gold_upload, name="lead-gold-upload"),
    path("projects/<int:project_id>/data/import/", uploads.import_upload, name="lead-import"),
    path(
        "projects/<int:project_id>/data/imports/<int:job_id>/",
        data.import_status,
        name="lead-import-status",
    ),
    path("projects/<int:project_id>/data/items/<int:item_id>/", item.item_page, name="lead-item"),
    path(
        "projects/<int:project_id>/data/items/<int:item_id>/gold/",
        data.item_gold,
        name="lead-item-gold",
    ),
    path("projects/<int:project_id>/members/", members.members_page, name="lead-members"),
    path(
        "projects/<int:project_id>/members/<int:membership_id>/",
        members.member_change,
        name="lead-member-change",
    ),
    path("projects/<int:project_id>/invites/", invites.invite_new, name="lead-invite-new"),
    path(
        "projects/<int:project_id>/invites/<int:invite_id>/revoke/",
        invites.invite_withdraw,
        name="lead-invite-revoke",
    ),
    path(
        "projects/<int:project_id>/members/new-account/",
        invites.member_new_account,
        name="lead-member-new-account",
    ),
    path("projects/<int:project_id>/dashboard/", dashboard.dashboard_page, name="lead-dashboard"),
    path("projects/<int:project_id>/export/", export.export_page, name="lead-export"),
]

register_project_link(
    label="Dashboard", url_name="lead-dashboard", roles={"lead", "reviewer"}, order=5
)
register_project_link(
    label="Data", url_name="lead-data", roles={"lead"}, order=61, sub_pages={"lead-item"}
)
register_project_link(label="Members", url_name="lead-members", roles={"lead"}, order=63)
register_project_link(label="Export", url_name="lead-export", roles={"lead"}, order=64)
register_project_link(
    label="Settings",
    url_name="lead-settings",
    roles={"lead"},
    order=65,
    sub_pages={"lead-webhooks", "lead-webhook", "lead-project-delete"},
)
