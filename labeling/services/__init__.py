"""Every write in the labeling app. Submodules group the services by entity."""

from labeling.services.audit import audit_record
from labeling.services.projects import (
    membership_remove,
    membership_set,
    project_create,
    project_update_schema,
    user_get_or_create_inactive,
)

__all__ = [
    "audit_record",
    "membership_remove",
    "membership_set",
    "project_create",
    "project_update_schema",
    "user_get_or_create_inactive",
]
