"""Domain errors of pre-labeling; AccordError subclasses map to HTTP codes in labeling.api."""

from django.db import InterfaceError, OperationalError

from labeling.exceptions import AccordError


class PrelabelUnavailable(AccordError):
    """The backend cannot serve this project (unknown name, wrong data type, missing URL)."""

    code = "prelabel_unavailable"


class NotEnoughLabels(AccordError):
    """Too few final or aggregated labels (or a single class) to fit a model."""

    code = "not_enough_labels"


class TransientBackendError(Exception):
    """A temporary failure (connection refused, timeout, HTTP 5xx): the task may retry."""


# Errors worth a retry with backoff; anything else fails the task (or the job) at once.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TransientBackendError,
    OperationalError,
    InterfaceError,
    ConnectionError,
    TimeoutError,
)
