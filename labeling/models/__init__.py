"""Projects, members, items and the labels people and models give them.

Invariants live in the database: one annotation per (item, annotator), one prediction per
(item, model version), one live assignment per (item, annotator), unique external ids.
The overlap cap on live assignments is kept by row locks in labeling.assignment.
One module per job; everything is importable from labeling.models (migrations name
labeling.models.item_image_path).
"""

from labeling.models.access import ApiToken, Invite, LabelingPreference
from labeling.models.counts import ProjectCount
from labeling.models.items import (
    HeldOutPrediction,
    Item,
    ItemReviewer,
    Prediction,
    item_image_path,
)
from labeling.models.jobs import AuditEntry, ImportJob, JobStatus, ModelVersion, PrelabelJob
from labeling.models.model_server import (
    ModelServerEvent,
    ModelServerEventStatus,
    ModelServerSecret,
)
from labeling.models.project import Membership, OrderingPolicy, Project, Role
from labeling.models.webhooks import Webhook, WebhookDelivery
from labeling.models.work import Annotation, Assignment, AssignmentStatus

__all__ = [
    "Annotation",
    "ApiToken",
    "Assignment",
    "AssignmentStatus",
    "AuditEntry",
    "HeldOutPrediction",
    "ImportJob",
    "Invite",
    "Item",
    "ItemReviewer",
    "JobStatus",
    "LabelingPreference",
    "Membership",
    "ModelServerEvent",
    "ModelServerEventStatus",
    "ModelServerSecret",
    "ModelVersion",
    "OrderingPolicy",
    "Prediction",
    "PrelabelJob",
    "Project",
    "ProjectCount",
    "Role",
    "Webhook",
    "WebhookDelivery",
    "item_image_path",
]
