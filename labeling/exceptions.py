"""Domain errors raised by labeling services; labeling.api.errors maps them to HTTP codes."""


class AccordError(Exception):
    """Base class: a clear message for the user, safe to show."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, details: object = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class SchemaError(AccordError):
    code = "invalid_schema"


class ValueInvalid(AccordError):
    code = "invalid_value"


class ImportFailed(AccordError):
    """The import wrote nothing; `details` lists the problems with line numbers."""

    code = "import_failed"


class PermissionDenied(AccordError):
    status_code = 403
    code = "permission_denied"


class NotFound(AccordError):
    status_code = 404
    code = "not_found"


class Conflict(AccordError):
    status_code = 409
    code = "conflict"


class GuidelineAckRequired(AccordError):
    """The member must acknowledge the guideline version in force before labeling."""

    status_code = 409
    code = "guideline_ack_required"


class AssignmentClosed(AccordError):
    """The assignment is no longer live (submitted, skipped, released, or its lease ran out)."""

    status_code = 409
    code = "assignment_closed"


class AnnotationSettled(AccordError):
    """A reviewer has settled the item; its annotations can no longer be changed."""

    status_code = 409
    code = "annotation_settled"


class ReviewerCannotAnnotate(AccordError):
    """An item was to be reopened for someone who reviewed it (a reviewer never labels what
    they reviewed), e.g. a reviewer sending an item back to themselves."""

    status_code = 409
    code = "reviewer_cannot_annotate"
