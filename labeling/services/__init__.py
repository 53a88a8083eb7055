"""Every write in the labeling app. Submodules group the services by entity."""

from labeling.services.annotations import (
    annotation_edit,
    annotation_submit,
    assignment_release,
    assignment_skip,
)
from labeling.services.audit import audit_record
from labeling.services.gold import gold_bulk_set, gold_clear, gold_from_labels, gold_set
from labeling.services.item_values import item_value_validate
from labeling.services.items import (
    ReopenReason,
    item_escalate,
    item_example_mark,
    item_pending_take,
    item_reviewer_record,
    item_settle,
    items_aggregates_set,
    items_p_wrong_set,
    items_reopen,
)
from labeling.services.lifecycle import (
    items_delete,
    project_archive,
    project_delete_batch,
    project_delete_request,
    project_writable,
)
from labeling.services.projects import (
    membership_remove,
    membership_set,
    project_create,
    project_update_schema,
    user_get_or_create_inactive,
)
from labeling.services.schema_edit import labels_rename
from labeling.services.settings import (
    project_create_configured,
    project_settings_merge,
    project_settings_update,
    project_settings_values,
)

__all__ = [
    "ReopenReason",
    "annotation_edit",
    "annotation_submit",
    "assignment_release",
    "assignment_skip",
    "audit_record",
    "gold_bulk_set",
    "gold_clear",
    "gold_from_labels",
    "gold_set",
    "item_escalate",
    "item_example_mark",
    "item_pending_take",
    "item_reviewer_record",
    "item_settle",
    "item_value_validate",
    "items_aggregates_set",
    "items_delete",
    "items_p_wrong_set",
    "items_reopen",
    "labels_rename",
    "membership_remove",
    "membership_set",
    "project_archive",
    "project_create",
    "project_create_configured",
    "project_delete_batch",
    "project_delete_request",
    "project_settings_merge",
    "project_settings_update",
    "project_settings_values",
    "project_update_schema",
    "project_writable",
    "user_get_or_create_inactive",
]
