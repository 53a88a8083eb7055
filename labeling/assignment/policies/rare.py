"""rare_first: items whose predicted label is rare in the project first.

Labels are ranked rarest first by how often people gave them (final, else aggregated label),
then by how often the current model predicts them (see labeling.prelabel.active). One phase
per label, rarest first, each by ascending margin; items without a prediction come last in the
in_progress_first order. Kinds without a class per item (spans, boxes) fall back entirely.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from labeling.assignment.policies import in_progress
from labeling.assignment.policies.base import Phase
from labeling.models import Project
from labeling.prelabel import active

KEYS = {"single": "value__label", "rating": "value__rating"}


def candidates(*, project: Project, user: AbstractBaseUser) -> list[Phase]:
    """One phase per predicted label (rarest first), then the rest in in_progress_first order."""
    version = active.current_version(project)
    key = KEYS.get(project.kind)
    if version is None or key is None:
        return in_progress.candidates(project=project, user=user)
    margin, margin_params = active.margin_sql(project, version)
    phases = []
    for label in active.labels_rarest_first(project, version):
        wanted = int(label) if project.kind == "rating" else label
        labelled, params = active.predicted_items_sql(project, version, Q(**{key: wanted}))
        phases.append(Phase(labelled, params, f"{margin} ASC NULLS LAST, {active.ITEM}.id", margin_params))
    predicted, params = active.predicted_items_sql(project, version)
    rest = [phase.narrowed(f"NOT {predicted}", params) for phase in in_progress.candidates(project=project, user=user)]
    return [*phases, *rest]
