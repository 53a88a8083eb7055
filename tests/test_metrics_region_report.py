"""The spans/boxes project report (review.metrics.region_report): the chance-corrected figure
against a hand-worked example and the krippendorff package, and the unit-level Cohen's kappa
pairs against scikit-learn on units built in plain Python (no DB)."""

from __future__ import annotations

import re
from itertools import combinations

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from review.metrics.boxes.clusters import box_clusters
from review.metrics.boxes.inputs import box_annotations
from review.metrics.boxes.tallies import BoxMatching
from review.metrics.region_report import box_project_report, span_project_report
from review.metrics.spans.inputs import span_annotations

LABELS = ["PER", "LOC"]
OUT, PER, LOC = 0, 1, 2  # token codes: "O", then label + 1


def spans(*parts):
    return [{"start": s, "end": e, "label": label} for s, e, label in parts]


def test_token_alpha_is_hand_worked_and_equals_the_krippendorff_package_to_3_decimals():
    # "Ann met Bob in Rome": x marks Ann, Bob (PER) and Rome (LOC); y marks Ann and Rome.
    # Values: n_PER 3, n_O 5, n_LOC 2 (n = 10). Only "Bob" disagrees, with 2 disagreeing
    # ordered pairs over m_u - 1 = 1: D_o = 2 / 10. D_e = (100 - 9 - 25 - 4) / (10 * 9) = 62/90.
    # alpha = 1 - D_o / D_e = 1 - 18/62 = 22/31 = 0.7097.
    annotations = {
        "t": [
            ("x", spans((0, 3, "PER"), (8, 11, "PER"), (15, 19, "LOC"))),
            ("y", spans((0, 3, "PER"), (15, 19, "LOC"))),
        ]
    }
    data, _ = span_annotations(annotations, {"t": "Ann met Bob in Rome"}, LABELS)
    report, _ = span_project_report(data)
    reliability = [[PER, OUT, PER, OUT, LOC], [PER, OUT, OUT, OUT, LOC]]
    package = krippendorff.alpha(reliability_data=reliability, level_of_measurement="nominal")
    assert round(22 / 31, 3) == 0.710
    assert round(report["krippendorff_alpha"]["nominal"], 3) == round(package, 3) == 0.710
    # Cohen's kappa on the same 5 tokens: p_o 0.8, p_e (2*1 + 2*3 + 1*1) / 25 = 0.36.
    assert report["cohen_kappa_pairs"][0]["kappa"] == pytest.approx(0.44 / 0.64)
    assert cohen_kappa_score(*reliability) == pytest.approx(0.6875)


def random_spans(seed: int):
    """Five texts of 8-14 words, three of four annotators each, 0-3 spans of 1-2 words."""
    rng = np.random.default_rng(seed)
    texts, annotations = {}, {}
    for u in range(5):
        words = [str(rng.choice(["ann", "bob", "rome", "met", "in", "a"])) for _ in range(8 + u)]
        texts[u] = " ".join(words) + "."
        bounds = [m.span() for m in re.finditer(r"\w+", texts[u])]
        rows = []
        for annotator in rng.choice(["w", "x", "y", "z"], size=3, replace=False):
            chosen = rng.choice(len(bounds) - 1, size=int(rng.integers(0, 4)), replace=False)
            parts = [
                (bounds[w][0], bounds[w + int(rng.integers(0, 2))][1], str(rng.choice(LABELS)))
                for w in chosen
            ]
            rows.append((str(annotator), spans(*parts)))
        annotations[u] = rows
    return annotations, texts


def plain_token_codes(annotations, texts):
    """{(item, annotator): [code per token]} with regex tokens, overlap cover, shortest span first."""
    codes = {}
    for item, rows in annotations.items():
        tokens = [m.span() for m in re.finditer(r"\w+|[^\w\s]", texts[item])]
        for annotator, parts in rows:
            best = [(10**9, OUT)] * len(tokens)
            for part in parts:
                length, code = part["end"] - part["start"], LABELS.index(part["label"]) + 1
                for t, (s, e) in enumerate(tokens):
                    if s < part["end"] and part["start"] < e:
                        best[t] = min(best[t], (length, code))
            codes[item, annotator] = [code for _, code in best]
    return codes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_token_kappa_pairs_equal_scikit_learn_and_alpha_the_package(seed):
    annotations, texts = random_spans(seed)
    data, _ = span_annotations(annotations, texts, LABELS)
    report, _ = span_project_report(data)
    codes = plain_token_codes(annotations, texts)
    annotators = sorted({a for _, a in codes})
    for pair in report["cohen_kappa_pairs"]:
        first, second = [], []
        for item in annotations:
            if (item, pair["a"]) in codes and (item, pair["b"]) in codes:
                first += codes[item, pair["a"]]
                second += codes[item, pair["b"]]
        assert pair["n"] == len(first)
        assert pair["agreement"] == pytest.approx(np.mean(np.equal(first, second)), abs=1e-6)
        if pair["kappa"] is not None:
            assert pair["kappa"] == pytest.approx(cohen_kappa_score(first, second), abs=1e-6)
    matrix = []
    for annotator in annotators:
        row = []
        for item, rows in annotations.items():
            n_tokens = len(codes[item, rows[0][0]])
            row += codes.get((item, annotator), [np.nan] * n_tokens)
        matrix.append(row)
    package = krippendorff.alpha(
        reliability_data=np.array(matrix, dtype=float),
        level_of_measurement="nominal",
        value_domain=[0, 1, 2],
    )
    assert report["krippendorff_alpha"]["nominal"] == pytest.approx(package, abs=1e-6)


def random_boxes(seed: int):
    """Four images, three annotators each, jittered copies of 0-3 true boxes, some missed."""
    rng = np.random.default_rng(seed)
    annotations = {}
    for u in range(4):
        truth = [
            (40.0 * k, 40.0 * k, 30.0, 30.0, str(rng.choice(["car", "bus"]))) for k in range(3)
        ]
        rows = []
        for annotator in ("a", "b", "c"):
            boxes = [
                {
                    "x": x + rng.normal(0, 2),
                    "y": y,
                    "width": w,
                    "height": h,
                    "label": label if rng.random() < 0.8 else "bus",
                }
                for x, y, w, h, label in truth
                if rng.random() < 0.8
            ]
            rows.append((annotator, boxes))
        annotations[u] = rows
    return annotations


@pytest.mark.parametrize("seed", [4, 5])
def test_cluster_kappa_pairs_equal_scikit_learn_on_plain_cluster_units(seed):
    data, _ = box_annotations(random_boxes(seed), ["bus", "car"])
    report, _ = box_project_report(data)
    cluster = box_clusters(data, BoxMatching.of(data).agnostic)
    # plain units: for each cluster, what each annotation of its item drew there (0 = absent)
    units: dict[int, dict[str, int]] = {}
    for b, k in enumerate(cluster.tolist()):
        row = int(data.box_rows[b])
        item = int(data.items[row])
        unit = units.setdefault(k, {})
        unit.setdefault("_item", item)
        unit[data.annotator_names[data.annotators[row]]] = int(data.codes[b]) + 1
    kappas = {(p["a"], p["b"]): p for p in report["cohen_kappa_pairs"]}
    for a, b in combinations("abc", 2):
        first = [unit.get(a, 0) for unit in units.values()]
        second = [unit.get(b, 0) for unit in units.values()]
        assert kappas[a, b]["n"] == len(units)
        assert kappas[a, b]["kappa"] == pytest.approx(cohen_kappa_score(first, second), abs=1e-6)
    matrix = [[unit.get(a, 0) for unit in units.values()] for a in "abc"]
    package = krippendorff.alpha(reliability_data=matrix, level_of_measurement="nominal")
    assert report["krippendorff_alpha"]["nominal"] == pytest.approx(package, abs=1e-6)


def test_a_grouping_with_one_key_is_copied_from_the_whole_report_with_the_same_figures():
    from dataclasses import replace

    from review.metrics.spans.report import build_span_report

    annotations, texts = random_spans(7)
    data, _ = span_annotations(annotations, texts, LABELS)
    grouped = replace(data, groups={"guideline_version": np.array(["3"] * len(data.items))})
    computed, _ = build_span_report(grouped)  # the kind's own per-group computation
    copied, _ = span_project_report(grouped)
    (row,) = copied["groups"]["guideline_version"]
    (reference,) = computed["groups"]["guideline_version"]
    assert row.keys() == reference.keys()
    for key in ("key", "annotations", "items", "reason"):
        assert row[key] == reference[key]
    assert row["alpha"] == pytest.approx(reference["alpha"], abs=1e-6)
    assert row["f1_overlap"] == pytest.approx(reference["f1_overlap"], abs=1e-6)
