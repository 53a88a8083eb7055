"""uncertainty_first: items the model is least sure about first (active learning).

Items with a prediction from the project's current model version come first, lowest margin
(top-1 minus top-2 class probability) first, ties by id; predictions without a margin (e.g.
from the http backend) follow. Items without a prediction come last, in the in_progress_first
order, so a project without a model still works.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser

from labeling.assignment.policies import in_progress
from labeling.assignment.policies.base import Phase
from labeling.models import Project
from labeling.prelabel import active


def candidates(*, project: Project, user: AbstractBaseUser) -> list[Phase]:
    """Predicted items by ascending margin, then the rest in in_progress_first order."""
    version = active.current_version(project)
    if version is None:
        return in_progress.candidates(project=project, user=user)
    predicted, params = active.predicted_items_sql(project, version)
    margin, margin_params = active.margin_sql(project, version)
    first = Phase(f"{predicted}", params, f"{margin} ASC NULLS LAST, {active.ITEM}.id", margin_params)
    rest = [phase.narrowed(f"NOT {predicted}", params) for phase in in_progress.candidates(project=project, user=user)]
    return [first, *rest]
