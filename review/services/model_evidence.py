"""Which model's held-out class probabilities the review app may use, and why not when it may not.

The model detectors (model_disagrees, likely_error) and p_wrong read only out-of-sample
probabilities: for items a model version trained on, its k-fold run's out-of-fold ones
(labeling.HeldOutPrediction); for items it never saw, its own predictions' probabilities.
The model is the project's newest trained version, and it is used only when it beat the
majority-class baseline in that cross-validation; otherwise `skipped` says why, for the
pre-label and review pages. Without a usable trained model, probabilities from imported
predictions or a model server (out-of-sample: that model never saw the labels) are used
instead when their top class beats the majority-class baseline against the current
aggregates (review.services.model_external).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache

from labeling.models import HeldOutPrediction, Item, ModelVersion, Prediction, Project
from labeling.prelabel.labels import value_of
from labeling.values import value_labels
from review.flags.facts import PredictionFact
from review.flags.likely_error import class_thresholds
from review.services.model_external import (
    external_gate,
    external_probabilities,
    external_source,
    last_external_gate,
)

THRESHOLD_TTL = 300  # seconds a per-submit refresh reuses the project's thresholds
MULTI_CUT = 0.5  # one-vs-rest: a label is predicted at this probability (as the text backend)


@dataclass(frozen=True)
class ModelEvidence:
    """The version used (None: none), why the detectors are off (None: on), and per item id
    its held-out class probabilities {label: p}."""

    version: str | None = None
    skipped: str | None = None
    probabilities: dict[int, dict[str, float]] = field(default_factory=dict)
    # Identifies the version row across databases and runs (cache keys): id and creation time.
    stamp: str = ""


def model_gate(project: Project) -> tuple[ModelVersion | None, str | None]:
    """The newest trained version and None, or (version or None, the reason to skip it)."""
    version = (
        ModelVersion.objects.filter(project=project).exclude(backend="http").order_by("-id").first()
    )
    if version is None:
        return None, "no trained model yet (start pre-labeling to train one)"
    details = version.details or {}
    if "beats_baseline" not in details:
        return version, f"model {version.version} was trained before baseline checks; retrain it"
    if not details["beats_baseline"]:
        evaluated, against = details.get("evaluated"), details.get("against", "aggregate")
        checked = f" on {evaluated} item{'s' * (evaluated != 1)} with {against} labels" if isinstance(evaluated, int) else ""
        return version, (
            f"model {version.version} is not better than the majority-class baseline in "
            f"cross-validation (accuracy {_share(version.cv_accuracy)} vs "
            f"{_share(details.get('baseline_accuracy'))}{checked})"
        )
    return version, None


def _share(value: object) -> str:
    return f"{float(value):.3f}" if isinstance(value, int | float) else "n/a"


def model_evidence(
    project: Project, *, item_ids: list[int] | None = None, current: dict[int, str] | None = None
) -> ModelEvidence:
    """Held-out probabilities of the project's usable model (all items, or only `item_ids`).

    ``current`` (item id -> label) is what an external model is checked against (default:
    the stored aggregates)."""
    version, skipped = model_gate(project)
    if version is None or skipped is not None:
        return _external_evidence(project, item_ids, current) or ModelEvidence(
            version.version if version else None, skipped
        )
    held = HeldOutPrediction.objects.filter(project=project, model_version=version.version)
    served = Prediction.objects.filter(
        project=project, model_version=version.version, probabilities__isnull=False
    )
    if item_ids is not None:
        held, served = held.filter(item_id__in=item_ids), served.filter(item_id__in=item_ids)
    found: dict[int, dict[str, float]] = {}
    for item_id, probs in served.values_list("item_id", "probabilities").iterator():
        if isinstance(probs, dict) and probs:
            found[item_id] = probs
    # Out-of-fold probabilities win: the served prediction of a trained item is in-sample.
    for item_id, probs in held.values_list("item_id", "probabilities").iterator():
        if isinstance(probs, dict) and probs:
            found[item_id] = probs
    stamp = f"{version.pk}:{version.created_at.timestamp()}"
    return ModelEvidence(version.version, None, found, stamp)


def _external_evidence(
    project: Project, item_ids: list[int] | None, current: dict[int, str] | None
) -> ModelEvidence | None:
    """Evidence from imported or model-server probabilities (review.services.model_external),
    used or with its skip reason; None when the project has no such probabilities."""
    source = external_source(project, fresh=item_ids is None)
    if source is None:
        return None
    gate = external_gate(project, *source, fresh=item_ids is None, current=current)
    if not gate.passed:
        return ModelEvidence(gate.version, gate.reason())
    found = external_probabilities(project, gate.version, item_ids)
    return ModelEvidence(gate.version, None, found, gate.stamp)


def model_note(project: Project) -> str | None:
    """The sentence the review pages show when a model exists but its detectors are off.

    A page reads what the last refresh found about an external source (no scan of the
    project on a page view); a trained model's gate is one row."""
    version, skipped = model_gate(project)
    if version is not None and skipped is None:
        return None
    external = last_external_gate(project)
    if external is not None:
        skipped = external.reason()
    elif version is None:
        return None
    if skipped is None:
        return None
    return f'"Model disagrees" and "likely label error" are off: {skipped}.'


def held_out_fact(kind: str, version: str, probabilities: dict[str, float]) -> PredictionFact:
    """A detector input from held-out probabilities: the top class (multi: every label at
    0.5 or more, one-vs-rest) as the value, its probability as the score."""
    probs = {str(label): float(p) for label, p in probabilities.items()}
    if kind == "multi":
        chosen = sorted(label for label, p in probs.items() if p >= MULTI_CUT)
        score = sum(max(p, 1 - p) for p in probs.values()) / max(len(probs), 1)
        return PredictionFact(version, {"labels": chosen}, score, probs)
    top = max(probs, key=lambda label: probs[label])
    return PredictionFact(version, value_of(kind, top), probs[top], probs)


def model_facts(project: Project, *, item_id: int | None = None) -> ModelFacts:
    """Held-out predictions per item id, thresholds and skip reason for the class detectors.

    With `item_id` (one item's refresh after a submit), predictions cover that item only
    and the thresholds, which need every labeled item's held-out probabilities, come from
    a cache kept THRESHOLD_TTL seconds per project and model version (they move slowly).
    """
    evidence = model_evidence(project, item_ids=None if item_id is None else [item_id])
    if evidence.version is None or evidence.skipped is not None:
        return ModelFacts(skipped=evidence.skipped)
    version = evidence.version
    if item_id is None:
        thresholds = _thresholds(project, evidence.probabilities)
    else:
        key = f"review:cl-thresholds:{project.pk}:{evidence.stamp}"
        thresholds = cache.get(key)
        if thresholds is None:
            thresholds = _thresholds(project, model_evidence(project).probabilities)
            cache.set(key, thresholds, THRESHOLD_TTL)
    facts = {
        pk: held_out_fact(project.kind, version, p) for pk, p in evidence.probabilities.items()
    }
    return ModelFacts(predictions=facts, thresholds=thresholds)


def _thresholds(project: Project, probabilities: dict[int, dict[str, float]]) -> dict[str, float]:
    """Confident-learning thresholds from held-out probabilities and current aggregates."""
    aggregates = Item.objects.filter(project=project, aggregate_value__isnull=False).values_list(
        "id", "aggregate_value"
    )
    pairs = []
    for pk, aggregate in aggregates.iterator(chunk_size=2000):
        given = value_labels(aggregate)
        if pk in probabilities and len(given) == 1:
            pairs.append((given[0], probabilities[pk]))
    return class_thresholds(pairs)


@dataclass(frozen=True)
class ModelFacts:
    """What the class-kind detectors get from the model: per item id one held-out prediction,
    confident-learning thresholds, and the reason the model is skipped (None: used)."""

    predictions: dict[int, PredictionFact] = field(default_factory=dict)
    thresholds: dict[str, float] = field(default_factory=dict)
    skipped: str | None = None
