"""Training data and cross-validated fitting, shared by job starts and the retrain task.

A model learns from each item's final label where a reviewer set one, else its aggregated
label. Its cross-validated accuracy is measured against final labels (held-out items that have
one); a project without any final label is measured against aggregated labels instead, and
`details["against"]` says which. The same k-fold run keeps each item's out-of-fold class
probabilities (`CrossValidation.held_out`: predicted by a model that never saw its label,
what the review app's model detectors read) and the majority-class baseline's accuracy
on the same folds (`details["baseline_accuracy"]`, and `details["beats_baseline"]` by the
margin of labeling.prelabel.baseline_gate).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.model_selection import KFold, StratifiedKFold

from labeling.models import Item, Project
from labeling.prelabel.base import Backend, PrelabelInput
from labeling.prelabel.baseline_gate import beats_baseline
from labeling.prelabel.exceptions import NotEnoughLabels
from labeling.prelabel.labels import class_of
from labeling.text_fields import DEFAULT_TEXT_FIELDS, project_text_fields, text_of

MIN_LABELS = 4
MAX_FOLDS = 5
INPUT_FIELDS = ("id", "data", "image", "width", "height")


@dataclass
class TrainingSet:
    """Inputs with their class labels, and which labels are final (reviewer-set)."""

    inputs: list[PrelabelInput] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    is_final: list[bool] = field(default_factory=list)


@dataclass
class CrossValidation:
    """k-fold accuracy (None when nothing could be evaluated), details, and per item id its
    out-of-fold class probabilities."""

    accuracy: float | None
    details: dict[str, Any]
    held_out: dict[int, dict[str, float]] = field(default_factory=dict)


def item_input(item: Item, fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS) -> PrelabelInput:
    """What a backend needs of an item; its image is named in the media storage, not a path."""
    image = item.image.name if item.image else None
    return _input(item.pk, item.data, image, item.width, item.height, fields)


def _input(
    pk: int,
    data: Any,
    image: str | None,
    width: int | None,
    height: int | None,
    fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS,
) -> PrelabelInput:
    """An input from item fields: the stored image, else the storage name in data["image"];
    the text is the project's text fields joined (labeling.text_fields)."""
    data = data if isinstance(data, dict) else {}
    named = data.get("image") if isinstance(data.get("image"), str) else None
    return PrelabelInput(
        item_id=pk,
        data=data,
        text=text_of(data, fields),
        image_name=image or named,
        width=width,
        height=height,
    )


def labeled_count(project: Project) -> int:
    """Items with a final or an aggregated label (what retraining counts)."""
    return (
        project.items.exclude(final_value__isnull=True, aggregate_value__isnull=True)
        .order_by()
        .count()
    )


def training_set(project: Project) -> TrainingSet:
    """Every item with a final or aggregated label that has a class form, in id order."""
    rows = (
        project.items.exclude(final_value__isnull=True, aggregate_value__isnull=True)
        .only(*INPUT_FIELDS, "final_value", "aggregate_value")
        .order_by("id")
    )
    found = TrainingSet()
    fields = project_text_fields(project.settings)
    for item in rows.iterator(chunk_size=2000):
        final = class_of(project.kind, item.final_value)
        label = final or class_of(project.kind, item.aggregate_value)
        if label is not None:
            found.inputs.append(item_input(item, fields))
            found.labels.append(label)
            found.is_final.append(final is not None)
    return found


def training_check(data: TrainingSet) -> None:
    """Raise NotEnoughLabels unless there are MIN_LABELS labels in at least two classes."""
    classes = Counter(data.labels)
    if len(data.labels) < MIN_LABELS or len(classes) < 2:
        raise NotEnoughLabels(
            f"Pre-labeling needs at least {MIN_LABELS} settled or aggregated labels in two or "
            f"more classes; this project has {len(data.labels)} in {len(classes)}"
        )


def cross_validate(make: Callable[[], Backend], data: TrainingSet) -> CrossValidation:
    """k-fold accuracy (k <= 5) on held-out items, against final labels where any exist.

    Every item of the training set is predicted once by the fold model that left it out;
    its class probabilities are kept in `held_out` (items the backend cannot read are not).
    The baseline predicts the training folds' most common class.
    """
    against = "final" if any(data.is_final) else "aggregate"
    splitter = _splitter(data.labels)
    labels = np.asarray(data.labels)
    hits = baseline = evaluated = 0
    held_out: dict[int, dict[str, float]] = {}
    for train, test in splitter.split(np.zeros(len(labels)), labels):
        if len(set(labels[train])) < 2:
            continue
        model = make()
        model.fit([data.inputs[i] for i in train], labels[train].tolist())
        predicted = model.predict([data.inputs[i] for i in test])
        majority = Counter(labels[train].tolist()).most_common(1)[0][0]
        for i, s in zip(test, predicted, strict=True):
            if s is not None and s.probabilities:
                held_out[data.inputs[i].item_id] = dict(s.probabilities)
            if against == "aggregate" or data.is_final[i]:
                evaluated += 1
                baseline += int(labels[i] == majority)
                hits += int(s is not None and class_of(model.kind, s.value) == labels[i])
    accuracy = round(hits / evaluated, 6) if evaluated else None
    base = round(baseline / evaluated, 6) if evaluated else None
    details = {
        "against": against, "folds": splitter.get_n_splits(), "evaluated": evaluated,
        "baseline_accuracy": base,
        "beats_baseline": beats_baseline(accuracy, base, evaluated),
    }  # fmt: skip
    return CrossValidation(accuracy, details, held_out)


def _splitter(labels: list[str]) -> Any:
    """Stratified folds when every class has two items, else plain shuffled folds."""
    smallest = min(Counter(labels).values())
    folds = min(MAX_FOLDS, len(labels))
    if smallest >= 2:
        return StratifiedKFold(n_splits=min(folds, smallest), shuffle=True, random_state=0)
    return KFold(n_splits=folds, shuffle=True, random_state=0)


def class_counts(labels: Iterable[str]) -> dict[str, int]:
    """Label -> count, most common first (stored with the model version)."""
    return dict(Counter(labels).most_common())


def fit_model(make: Callable[[], Backend], data: TrainingSet) -> Backend:
    """Fit a fresh backend on the whole training set."""
    model = make()
    model.fit(data.inputs, data.labels)
    return model


def inputs_from_rows(
    rows: Iterable[tuple[Any, ...]], fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS
) -> list[PrelabelInput]:
    """Backend inputs from `values_list(*INPUT_FIELDS)` rows (cheaper than model instances)."""
    return [
        _input(pk, data, image or None, width, height, fields)
        for pk, data, image, width, height in rows
    ]
