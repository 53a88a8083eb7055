"""Gold crowd datasets from ../shared/datasets as long-form arrays (no DB), for the quality bench.

Each loader returns a CrowdData: one row per label (item index, annotator index,
class code), the class names, and the gold class per item. Quirks handled (see
the datasets' READMEs): bluebirds ids are integers and keep their lowercase
true/false spelling; crowd_text_quiz workers are per subset, every subset is its
own project, answers are joined to truth by row position (ENGLISH quiz ids do
not join), and POKEMON's user-name columns are only used as opaque indices.
dawid_skene_1979 has no gold, so it is not loaded here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
QUIZ_SUBSETS = ("CHINESE", "ENGLISH", "ITMANAGE", "MEDICINE", "POKEMON", "SCIENCE")


@dataclass(frozen=True)
class CrowdData:
    """Long-form labels with gold: items/annotators/codes are parallel int arrays."""

    name: str
    items: np.ndarray
    annotators: np.ndarray
    codes: np.ndarray
    classes: list[str]
    gold: np.ndarray
    # Item text (quiz: the question and its options), for a k-fold text model; None: no text.
    texts: list[str] | None = None

    @property
    def sizes(self) -> dict[str, int]:
        """Keyword sizes for the review.metrics EM functions."""
        return {
            "n_items": len(self.gold),
            "n_annotators": int(self.annotators.max()) + 1,
            "n_classes": len(self.classes),
        }


def _index(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Dense indices in order of first sight."""
    order = list(dict.fromkeys(values))
    lookup = {value: i for i, value in enumerate(order)}
    return np.array([lookup[v] for v in values], dtype=np.int64), order


def bluebirds() -> CrowdData:
    """108 images x 39 workers, binary, gold for every image."""
    folder = DATASETS / "bluebirds"
    with (folder / "bluebirds_gold.csv").open() as handle:
        gold_rows = list(csv.DictReader(handle))
    item_ids = [row["id"] for row in gold_rows]
    classes = ["false", "true"]
    gold = np.array([classes.index(row["gold"]) for row in gold_rows], dtype=np.int64)
    position = {item: i for i, item in enumerate(item_ids)}
    with (folder / "bluebirds_long.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    items = np.array([position[row["id"]] for row in rows], dtype=np.int64)
    annotators, _ = _index([row["annotator"] for row in rows])
    codes = np.array([classes.index(row["label"]) for row in rows], dtype=np.int64)
    return CrowdData("bluebirds", items, annotators, codes, classes, gold)


def quiz(subset: str) -> CrowdData:
    """One crowd_text_quiz subset: dense question x worker answers, gold from truth.csv."""
    folder = DATASETS / "crowd_text_quiz" / subset
    with (folder / "answer.csv").open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        workers = next(reader)[1:]
        answers = [row[1:] for row in reader]
    with (folder / "truth.csv").open(encoding="utf-8") as handle:
        truth = [row["truth"] for row in csv.DictReader(handle)]
    classes = sorted({letter for row in answers for letter in row} | set(truth))
    rows = [
        (question, worker, classes.index(letter))
        for question, row in enumerate(answers)
        for worker, letter in enumerate(row)
    ]
    items, annotators, codes = (np.array(col, dtype=np.int64) for col in zip(*rows, strict=True))
    if len(workers) != annotators.max() + 1 or len(truth) != len(answers):
        raise ValueError(f"{subset}: answers, workers and truth do not line up")
    gold = np.array([classes.index(letter) for letter in truth], dtype=np.int64)
    with (folder / "quiz.csv").open(encoding="utf-8") as handle:
        # Every text column (question and options), as settings.prelabel.text_fields would.
        texts = [" \n".join(v for k, v in row.items() if k) for row in csv.DictReader(handle)]
    texts = texts if len(texts) == len(answers) else None
    return CrowdData(f"quiz/{subset}", items, annotators, codes, classes, gold, texts)


def gold_datasets() -> list[CrowdData]:
    """Every dataset with gold: bluebirds and the six quiz subsets."""
    return [bluebirds(), *(quiz(subset) for subset in QUIZ_SUBSETS)]
