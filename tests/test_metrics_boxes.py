"""Box agreement and aggregation: hand-worked values, brute-force Hungarian, generated annotators (no DB)."""

from __future__ import annotations

import itertools

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from review.metrics.boxes.clusters import box_clusters, cluster_counts, merge_boxes
from review.metrics.boxes.inputs import box_annotations
from review.metrics.boxes.matching import box_iou, candidate_pairs, match_boxes
from review.metrics.boxes.report import box_report, build_box_report
from review.metrics.layout import ItemLayout


def box(x, y, w=10, h=10, label="car") -> dict:
    return {"x": x, "y": y, "width": w, "height": h, "label": label}


# i1: x draws a car A and a dog B; y a car C (1 px right of A) and a car D on B; z a car E
# (1 px below A). i2: x draws one car, y nothing.
ANNOTATIONS = {
    "i1": [
        ("x", [box(0, 0), box(50, 50, label="dog")]),
        ("y", [box(1, 0), box(50, 50)]),
        ("z", [box(0, 1)]),
    ],
    "i2": [("x", [box(0, 0)]), ("y", [])],
}


def matches_of(annotations, same_label=True, threshold=0.5):
    data, _ = box_annotations(annotations)
    layout = ItemLayout.of(data.items, data.n_items)
    return data, match_boxes(
        data, candidate_pairs(data, layout), threshold=threshold, same_label=same_label
    )


def test_iou_of_shifted_and_disjoint_boxes():
    data, _ = box_annotations({"i": [("x", [box(0, 0), box(1, 0), box(0, 1), box(30, 30)])]})
    first, second = np.array([0, 0, 1, 0]), np.array([1, 2, 2, 3])
    iou = box_iou(data, first, second)
    assert np.round(iou, 4).tolist() == [
        round(90 / 110, 4),
        round(90 / 110, 4),
        round(81 / 119, 4),
        0.0,
    ]


def test_box_report_hand_worked_f1_mean_iou_and_per_annotator():
    # labelled matches: A-C, A-E, C-E (3); label-agnostic adds B-D (4). Boxes compared, each box
    # once per other annotation of its item: i1 2*2 + 2*2 + 1*2 = 10, i2 1 -> 11.
    report = box_report(ANNOTATIONS)
    assert report["box_f1"] == {"labelled": round(6 / 11, 6), "any_label": round(8 / 11, 6)}
    assert report["mean_iou"] == round((90 / 110 + 90 / 110 + 81 / 119 + 1.0) / 4, 6)
    x = next(a for a in report["per_annotator"] if a["annotator"] == "x")
    # x: 5 own box comparisons, 2 matched; the others' 3 boxes compared with x's annotations
    assert (x["precision"], x["recall"], x["f1"]) == (0.4, round(2 / 3, 6), 0.5)
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert pairs[("x", "y")]["f1"] == round(2 * 1 / 5, 6)
    assert pairs[("x", "y")]["f1_any_label"] == round(2 * 2 / 5, 6)
    assert report["item_agreement_mean"] == round((6 / 10 + 0) / 2, 6)


def test_cluster_alpha_equals_the_krippendorff_package_on_the_units():
    # units: {A, C, E} car/car/car; {B, D} dog/car/absent; i2 {x's box} car/absent
    report = box_report(ANNOTATIONS)
    absent, car, dog = 0, 1, 2
    units = np.array([[car, dog, car], [car, car, absent], [car, absent, np.nan]]).T
    reference = krippendorff.alpha(reliability_data=units.T, level_of_measurement="nominal")
    assert report["krippendorff_alpha"]["nominal"] == pytest.approx(reference, abs=1e-6)
    assert round(reference, 3) == -0.029


def test_hungarian_assignment_prefers_the_larger_total_iou():
    # 10x10 boxes on one row, IoU of a shift d = (10 - d) / (10 + d). x: A at 1, B at 3;
    # y: C at -1.5, D at 0. A-D 0.818 is the best single pair, but taking it leaves B and C
    # alone; the assignment takes A-C (0.6) and B-D (0.538): two matches.
    _data, matches = matches_of(
        {"i": [("x", [box(1, 0), box(3, 0)]), ("y", [box(-1.5, 0), box(0, 0)])]}
    )
    assert sorted(zip(matches.first.tolist(), matches.second.tolist(), strict=True)) == [
        (0, 2),
        (1, 3),
    ]


def _brute_force_matches(data, same_label):
    total = 0
    for a, b in itertools.combinations(range(len(data.items)), 2):
        if data.items[a] != data.items[b]:
            continue
        mine, theirs = np.nonzero(data.box_rows == a)[0], np.nonzero(data.box_rows == b)[0]
        if not len(mine) or not len(theirs):
            continue
        first, second = np.repeat(mine, len(theirs)), np.tile(theirs, len(mine))
        iou = box_iou(data, first, second)
        ok = iou >= 0.5
        if same_label:
            ok &= data.codes[first] == data.codes[second]
        gain = np.where(ok, iou, 0.0).reshape(len(mine), len(theirs))
        r, c = linear_sum_assignment(gain, maximize=True)
        total += int((gain[r, c] > 0).sum())
    return total


boxes_strategy = st.lists(
    st.tuples(
        st.integers(0, 12), st.integers(0, 12), st.integers(6, 10), st.sampled_from(["a", "b"])
    ),
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(boxes_strategy, min_size=1, max_size=4), min_size=1, max_size=3))
def test_vectorised_matching_equals_a_hungarian_per_pair(items):
    annotations = {
        u: [
            (f"r{i}", [box(x, y, w, w, lab) for x, y, w, lab in value])
            for i, value in enumerate(rows)
        ]
        for u, rows in enumerate(items)
    }
    for same_label in (True, False):
        data, matches = matches_of(annotations, same_label=same_label)
        assert len(matches.first) == _brute_force_matches(data, same_label)
        assert len(set(zip(matches.first.tolist(), matches.rows_b.tolist(), strict=False))) == len(
            matches.first
        )


def test_aggregate_keeps_boxes_drawn_by_at_least_half_and_averages_corners():
    data, matches = matches_of(ANNOTATIONS, same_label=False)
    merged = merge_boxes(data, box_clusters(data, matches))
    values = merged.values(data.labels, data.n_items)
    first = values[0]["boxes"][0]
    assert (first["x"], first["y"], first["label"], first["confidence"]) == (
        pytest.approx(1 / 3),
        pytest.approx(1 / 3),
        "car",
        1.0,
    )
    # B (dog) and D (car) by 2 of 3: kept, label tie goes to the schema's first label (car)
    assert values[0]["boxes"][1]["label"] == "car"
    assert values[0]["boxes"][1]["confidence"] == pytest.approx(2 / 3)
    assert values[1]["boxes"][0]["confidence"] == 0.5  # 1 of 2 annotators: exactly half, kept


def test_aggregate_drops_a_box_drawn_by_one_of_three():
    data, matches = matches_of(
        {"i": [("x", [box(0, 0), box(40, 40)]), ("y", [box(0, 0)]), ("z", [])]}
    )
    merged = merge_boxes(data, box_clusters(data, matches))
    assert merged.x.tolist() == [0.0]
    assert merged.confidence.tolist() == [pytest.approx(2 / 3)]


def test_aggregate_weighs_coordinates_and_labels_by_competence():
    data, matches = matches_of(
        {"i": [("x", [box(0, 0, 10, 10, "a")]), ("y", [box(2, 0, 10, 10, "b")])]}, same_label=False
    )
    merged = merge_boxes(data, box_clusters(data, matches), weights=[1.0, 3.0])
    assert merged.x.tolist() == [1.5]
    assert merged.codes.tolist() == [1]
    assert merged.label_share.tolist() == [0.75]


def test_a_chain_of_matches_never_puts_two_boxes_of_one_annotation_in_a_cluster():
    # y's box bridges x's two boxes (both IoU >= 0.5 with it, the second only with a second y box)
    data, matches = matches_of(
        {"i": [("x", [box(0, 0, 10, 10), box(2, 0, 10, 10)]), ("y", [box(1, 0, 10, 10)])]},
        same_label=False,
    )
    cluster = box_clusters(data, matches)
    keys = set(zip(cluster.tolist(), data.box_rows.tolist(), strict=True))
    assert len(keys) == len(cluster)
    counts, _ = cluster_counts(data, cluster)
    assert counts.sum(axis=1).tolist() == [2, 2]


def _generated(jitter: float, seed: int = 7, n_items: int = 300):
    """Three annotators redraw 1-3 true, separate 100x80 boxes per item, each shifted by N(0, jitter)."""
    rng = np.random.default_rng(seed)
    annotations, labels = {}, ["car", "person"]
    for u in range(n_items):
        cells = rng.choice(12, size=rng.integers(1, 4), replace=False)  # 4 x 3 grid of 200 px cells
        truth = [
            (
                200 * (c % 4) + rng.uniform(0, 50),
                200 * (c // 4) + rng.uniform(0, 50),
                labels[rng.integers(2)],
            )
            for c in cells
        ]
        rows = []
        for annotator in ("a", "b", "c"):
            boxes = []
            for x, y, label in truth:
                dx, dy = rng.normal(0, jitter, 2) if jitter else (0.0, 0.0)
                boxes.append(box(x + dx, y + dy, 100, 80, label))
            rows.append((annotator, boxes))
        annotations[u] = rows
    return annotations


def test_generated_annotators_without_jitter_agree_perfectly():
    report = box_report(_generated(jitter=0))
    assert report["box_f1"] == {"labelled": 1.0, "any_label": 1.0}
    assert report["mean_iou"] == 1.0
    assert report["krippendorff_alpha"]["nominal"] == 1.0


def test_generated_jitter_gives_the_expected_mean_iou():
    # Two annotators' shifts differ by N(0, 2 * jitter^2) per axis; the IoU of two 100x80 boxes
    # offset by (dx, dy) is (100-|dx|)(80-|dy|) / (2*8000 - (100-|dx|)(80-|dy|)).
    jitter = 4.0
    rng = np.random.default_rng(0)
    dx, dy = np.abs(rng.normal(0, jitter * np.sqrt(2), (2, 200_000)))
    inter = (100 - dx) * (80 - dy)
    expected = float(np.mean(inter / (2 * 8000 - inter)))
    report = box_report(_generated(jitter=jitter))
    assert report["mean_iou"] == pytest.approx(expected, abs=0.005)
    assert report["box_f1"]["labelled"] > 0.99
    data, _ = box_annotations(_generated(jitter=jitter))
    _, items = build_box_report(data)
    assert len(items.aggregate.items) == int(len(data.box_rows) / 3)


def test_box_report_without_boxes_is_undefined_not_made_up():
    report = box_report({"i": [("x", []), ("y", [])]})
    assert report["box_f1"] == {"labelled": None, "any_label": None}
    assert report["mean_iou"] is None
    assert report["krippendorff_alpha"]["nominal"] is None
    assert report["undefined"]["box_f1.labelled"] == "no boxes on shared items"
    assert report["aggregation"]["count"] == 0
