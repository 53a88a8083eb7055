"""Class probabilities from a model outside Accord: imported predictions and model servers.

A model Accord did not train never saw the project's labels, so its probabilities are
out-of-sample by nature and may feed the model detectors and p_wrong like held-out ones,
when no trained model of the project is usable. It still has to earn it: its top class
must agree with the current aggregates more often than the majority class does
(labeling.prelabel.baseline_gate.beats_baseline, on the items with one aggregated label
and its probabilities). The model is the prediction source (model_version) with the most
stored probabilities, newest first on ties. Project-wide runs check the gate afresh; a
submit's refresh of one item reuses the last check for up to GATE_TTL seconds, since it
would otherwise read every item. Every check also leaves its answer for the pages
(last_external_gate), which read only that: a page view never scans the project.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.core.cache import cache
from django.db.models import Count, Max

from labeling.models import Item, ModelVersion, Prediction, Project
from labeling.prelabel.baseline_gate import beats_baseline
from labeling.values import value_labels

GATE_TTL = 300


@dataclass(frozen=True)
class ExternalGate:
    """The source (model_version), its accuracy against the aggregates, the baseline's, on n items."""

    version: str
    accuracy: float | None
    baseline: float | None
    evaluated: int
    passed: bool
    stamp: str

    def reason(self) -> str | None:
        """Why the source is skipped (None when it is used), with the figures."""
        if self.passed:
            return None
        if not self.evaluated:
            return (
                f'model "{self.version}" has no probabilities on items with an aggregated label yet'
            )
        return (
            f'model "{self.version}" (imported or model server) is not better than the '
            f"majority-class baseline on the current labels (accuracy {self.accuracy:.3f} vs "
            f"{self.baseline:.3f} on {self.evaluated} items)"
        )


def external_source(project: Project, *, fresh: bool = True) -> tuple[str, str] | None:
    """(model_version, stamp) of the external source with the most probabilities, or None.

    Without ``fresh`` (one item's refresh) the answer of the last GATE_TTL seconds is reused."""
    key = f"review:external-source:{project.pk}"
    if not fresh and (cached := cache.get(key)) is not None:
        return cached or None
    found = _source(project)
    cache.set(key, found or (), GATE_TTL)
    return found


def _source(project: Project) -> tuple[str, str] | None:
    trained = ModelVersion.objects.filter(project=project).exclude(backend="http")
    rows = (
        Prediction.objects.filter(project=project, probabilities__isnull=False)
        .exclude(model_version__in=trained.values("version"))
        .values("model_version")
        .annotate(n=Count("id"), last=Max("id"))
        .order_by("-n", "-last")
    )
    top = rows.first()
    if top is None:
        return None
    return top["model_version"], f"ext:{top['model_version']}:{top['n']}:{top['last']}"


def external_gate(
    project: Project, version: str, stamp: str, *, fresh: bool,
    current: dict[int, str] | None = None,
) -> ExternalGate:  # fmt: skip
    """The baseline check of one source. ``fresh`` (project-wide runs) computes it and stores
    it; otherwise (one item's refresh) a result up to GATE_TTL seconds old is reused.
    ``current``: the run's own label per item id (the project run checks against the labels
    it has just aggregated); None reads the stored aggregates."""
    key = f"review:external-gate:{project.pk}:{stamp}"
    found = None if fresh else cache.get(key)
    if found is None:
        found = _gate(project, version, stamp, current)
        cache.set(key, found, GATE_TTL)
        cache.set(_last_key(project.pk), found, None)
    return found


def last_external_gate(project: Project) -> ExternalGate | None:
    """The newest baseline check of an external source, as the last refresh left it (no query)."""
    return cache.get(_last_key(project.pk))


def _last_key(project_id: int) -> str:
    return f"review:external-gate-last:{project_id}"


def _stored_labels(project: Project) -> dict[int, str]:
    """Each item's single aggregated label (items with none or several are left out)."""
    found = {}
    aggregates = Item.objects.filter(project=project, aggregate_value__isnull=False).values_list(
        "id", "aggregate_value"
    )
    for item_id, aggregate in aggregates.iterator(chunk_size=2000):
        labels = value_labels(aggregate)
        if len(labels) == 1:
            found[item_id] = str(labels[0])
    return found


def _gate(
    project: Project, version: str, stamp: str, current: dict[int, str] | None
) -> ExternalGate:
    probabilities = external_probabilities(project, version, None)
    given, hits = [], 0
    for item_id, label in (_stored_labels(project) if current is None else current).items():
        probs = probabilities.get(item_id)
        if not probs:
            continue
        given.append(label)
        hits += str(max(probs, key=lambda name: float(probs[name]))) == label
    if not given:
        return ExternalGate(version, None, None, 0, False, stamp)
    accuracy = hits / len(given)
    baseline = Counter(given).most_common(1)[0][1] / len(given)
    passed = beats_baseline(accuracy, baseline, len(given))
    return ExternalGate(version, accuracy, baseline, len(given), passed, stamp)


def external_probabilities(
    project: Project, version: str, item_ids: list[int] | None
) -> dict[int, dict[str, float]]:
    """The source's probabilities per item id (all items, or only `item_ids`)."""
    rows = Prediction.objects.filter(
        project=project, model_version=version, probabilities__isnull=False
    )
    if item_ids is not None:
        rows = rows.filter(item_id__in=item_ids)
    found: dict[int, dict[str, float]] = {}
    for item_id, probs in rows.order_by("id").values_list("item_id", "probabilities").iterator():
        if isinstance(probs, dict) and probs:
            found[item_id] = probs
    return found
