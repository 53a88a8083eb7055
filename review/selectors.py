"""Reads of the review app, on behalf of a user."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser


def annotation_outcomes(
    *, user: AbstractBaseUser, annotation_ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """Review outcomes of the user's own annotations, keyed by annotation id.

    Each value: {"verdict": "accepted"|"rejected"|None, "comment": str, "final_value": dict|None}.
    Only annotations by `user` are returned, so nobody learns of a peer's review.
    (The review-queue feature fills this in; until then nothing has been reviewed.)
    """
    return {}
