"""uncertainty_first: items the model is least sure about first (active learning).

Items with a prediction from the project's current model version come first, lowest margin
(top-1 minus top-2 class probability) first, ties by id; predictions without a margin (e.g.
from the http backend) follow. Items without a prediction come last, in the in_progress_first
order, so a project without a model still works.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, OuterRef, QuerySet, Subquery

from labeling.models import Item, Project
from labeling.policies import in_progress
from labeling.prelabel import active


def candidates(
    items: QuerySet[Item], *, project: Project, user: AbstractBaseUser
) -> list[QuerySet[Item]]:
    """Predicted items by ascending margin, then the rest in in_progress_first order."""
    version = active.current_version(project)
    if version is None:
        return in_progress.candidates(items, project=project, user=user)
    margin = active.predictions_of(project, version).filter(item_id=OuterRef("pk")).values("margin")
    predicted = (
        active.with_prediction(items, project, version)
        .annotate(model_margin=Subquery(margin[:1]))
        .order_by(F("model_margin").asc(nulls_last=True), "id")
    )
    rest = items.exclude(pk__in=active.predictions_of(project, version).values("item_id"))
    return [predicted, *in_progress.candidates(rest, project=project, user=user)]
