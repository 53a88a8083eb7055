"""Review outcomes of an annotator's own annotations (what the labeling screen shows them)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from labeling.models import Annotation


def annotation_outcomes(
    *, user: AbstractBaseUser, annotation_ids: Iterable[int]
) -> dict[int, dict[str, Any]]:
    """Review outcomes of the user's own annotations, keyed by annotation id.

    Each value: {"verdict": "accepted"|"rejected"|None, "comment": str, "final_value": dict|None}.
    Only annotations by `user` are returned, so nobody learns of a peer's review.
    Annotations with neither a verdict nor a settled item are left out (not reviewed yet).
    "corrected" is True when the final label differs from the annotation's value.
    """
    ids = [int(pk) for pk in annotation_ids]
    rows = (
        Annotation.objects.filter(pk__in=ids, annotator_id=user.pk)
        .select_related("item", "review")
        .order_by("id")
    )
    outcomes: dict[int, dict[str, Any]] = {}
    for annotation in rows:
        review = getattr(annotation, "review", None)
        final = annotation.item.final_value
        if review is None and final is None:
            continue
        outcomes[annotation.pk] = {
            "verdict": review.verdict if review else None,
            "comment": review.comment if review else "",
            "final_value": final,
            "corrected": final is not None and final != annotation.value,
        }
    return outcomes
