"""rare_first: items whose predicted label is rare in the project first.

Labels are ranked rarest first by how often people gave them (final, else aggregated label),
then by how often the current model predicts them (see labeling.prelabel.active). One phase
per label, rarest first, each by ascending margin; items without a prediction come last in the
in_progress_first order. Kinds without a class per item (spans, boxes) fall back entirely.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F, OuterRef, Q, QuerySet, Subquery

from labeling.models import Item, Project
from labeling.policies import in_progress
from labeling.prelabel import active

KEYS = {"single": "value__label", "rating": "value__rating"}


def candidates(
    items: QuerySet[Item], *, project: Project, user: AbstractBaseUser
) -> list[QuerySet[Item]]:
    """One phase per predicted label (rarest first), then the rest in in_progress_first order."""
    version = active.current_version(project)
    key = KEYS.get(project.kind)
    if version is None or key is None:
        return in_progress.candidates(items, project=project, user=user)
    predictions = active.predictions_of(project, version)
    margin = predictions.filter(item_id=OuterRef("pk")).values("margin")
    phases = []
    for label in active.labels_rarest_first(project, version):
        wanted = int(label) if project.kind == "rating" else label
        ids = predictions.filter(Q(**{key: wanted})).values("item_id")
        phases.append(
            items.filter(pk__in=ids)
            .annotate(model_margin=Subquery(margin[:1]))
            .order_by(F("model_margin").asc(nulls_last=True), "id")
        )
    rest = items.exclude(pk__in=predictions.values("item_id"))
    return [*phases, *in_progress.candidates(rest, project=project, user=user)]
