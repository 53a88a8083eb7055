"""What the client raises: one error type carrying the API's status and message."""

from __future__ import annotations

from typing import Any


class AccordError(Exception):
    """The server answered 4xx or 5xx (or a job failed); `detail` is its message."""

    def __init__(self, status: int, detail: str, body: Any = None) -> None:
        super().__init__(f"{status}: {detail}" if status else detail)
        self.status = status
        self.detail = detail
        self.body = body


def error_from(response: Any) -> AccordError:
    """An AccordError for an httpx response: the body's `detail`, else its text."""
    try:
        body = response.json()
    except ValueError:
        body = response.text
    detail = body.get("detail") if isinstance(body, dict) else None
    return AccordError(response.status_code, str(detail or body or response.reason_phrase), body)
