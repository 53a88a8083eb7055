"""Domain errors of the guidelines app; labeling.api.errors maps them to HTTP responses."""

from labeling.exceptions import AccordError, Conflict, NotFound


class VersionImmutable(AccordError):
    """A published guideline version was about to be changed."""

    status_code = 409
    code = "version_immutable"


class NothingToPublish(AccordError):
    code = "nothing_to_publish"


class VersionNotFound(NotFound):
    code = "version_not_found"


class NothingToAcknowledge(Conflict):
    code = "nothing_to_acknowledge"


class InvalidExamples(AccordError):
    code = "invalid_examples"
