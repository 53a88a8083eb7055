"""uncertainty_first: items the model is least sure about first (active learning).

SLOT: the pre-labeling engineer replaces this body with an order over Prediction.margin
(low margin = uncertain). Until then it falls back to in_progress_first, so a project set to
this policy still works.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from labeling.models import Item, Project
from labeling.policies import in_progress


def candidates(
    items: QuerySet[Item], *, project: Project, user: AbstractBaseUser
) -> list[QuerySet[Item]]:
    """Fallback: the in_progress_first order (see the module docstring)."""
    return in_progress.candidates(items, project=project, user=user)
