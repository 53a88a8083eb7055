"""Pure aggregates of spans and boxes (no database): segments, votes, competence, DS, p_wrong."""

from __future__ import annotations

import numpy as np
import pytest

from review.flags.regions import region_f1, value_parts
from review.metrics.boxes.aggregate import box_aggregate
from review.metrics.boxes.inputs import box_annotations
from review.metrics.spans.aggregate import segment_units, span_aggregate
from review.metrics.spans.inputs import span_annotations
from review.metrics.spans.tokens import token_labels, tokenize
from review.metrics.units import combine_unit_risk, unit_method

TEXT = "Marta Ruiz joined Northwind Labs in Lisbon."
LABELS = ["PER", "ORG", "LOC"]


def span(start, end, label):
    return {"start": start, "end": end, "label": label}


def box(x, y, w, h, label="car"):
    return {"x": x, "y": y, "width": w, "height": h, "label": label}


def spans_of(value):
    return [(s["start"], s["end"], s["label"]) for s in value["spans"]]


def test_segments_cut_a_text_where_any_annotation_changes_its_label():
    annotations = {0: [("a", [span(0, 10, "PER")]), ("b", [span(0, 5, "PER")])]}
    data, _ = span_annotations(annotations, {0: TEXT}, LABELS)
    tokens = tokenize(data.texts)
    units, segment = segment_units(data, tokens, token_labels(data, tokens))
    # tokens: Marta | Ruiz | joined Northwind Labs in Lisbon .
    assert segment.tolist() == [0, 1, 2, 2, 2, 2, 2, 2]
    assert units.units.tolist() == [0, 0, 1, 1, 2, 2]
    assert units.codes.tolist() == [1, 1, 1, 0, 0, 0]  # PER is code 1, "O" code 0


def test_plain_span_vote_has_known_values_per_span_and_item():
    annotations = {
        0: [("a", [span(0, 10, "PER"), span(18, 32, "ORG")]), ("b", [span(0, 10, "PER")]),
            ("c", [span(0, 5, "PER"), span(36, 42, "LOC")])],
    }  # fmt: skip
    data, _ = span_annotations(annotations, {0: TEXT}, LABELS)
    result = span_aggregate(data, weighted=False, with_risk=False)
    assert result.values[0] == {
        "spans": [{"start": 0, "end": 10, "label": "PER", "confidence": pytest.approx(5 / 6)}]
    }
    # segments Marta 3/3, Ruiz 2/3, Northwind Labs 2/3 ("O"), Lisbon 2/3 ("O"): (2/3)^3
    assert result.confidence[0] == pytest.approx(8 / 27)
    assert result.p_wrong is None


def test_competence_lets_the_reliable_annotators_win_a_split_token():
    # a and b agree on nine texts; c labels at random. The tenth has only a (a place) and c
    # (a person): the plain vote ties and takes PER (schema order), competence takes a's LOC.
    rng = np.random.default_rng(3)
    annotations = {}
    for n in range(9):
        noise = [span(0, 5, LABELS[int(rng.integers(3))])] if rng.random() < 0.7 else []
        annotations[n] = [("a", [span(0, 10, "PER")]), ("b", [span(0, 10, "PER")]), ("c", noise)]
    annotations[9] = [("a", [span(0, 5, "LOC")]), ("c", [span(0, 5, "PER")])]
    data, _ = span_annotations(annotations, dict.fromkeys(annotations, TEXT), LABELS)
    assert spans_of(span_aggregate(data, weighted=False).values[9]) == [(0, 5, "PER")]
    assert spans_of(span_aggregate(data, weighted=True).values[9]) == [(0, 5, "LOC")]


def test_dawid_skene_over_segments_gives_a_posterior_per_span():
    annotations = {n: [("a", [span(0, 10, "PER")]), ("b", [span(0, 10, "PER")]), ("c", [])]
                   for n in range(20)}  # fmt: skip
    data, _ = span_annotations(annotations, dict.fromkeys(annotations, TEXT), LABELS)
    result = span_aggregate(data, method="dawid_skene")
    assert result.method == "dawid_skene"
    value = result.values[0]["spans"][0]
    assert (value["start"], value["end"], value["label"]) == (0, 10, "PER")
    assert 0.5 < value["confidence"] <= 1.0
    assert unit_method("auto", segment_units_of(data)) == "dawid_skene"


def segment_units_of(data):
    tokens = tokenize(data.texts)
    return segment_units(data, tokens, token_labels(data, tokens))[0]


def test_p_wrong_of_an_item_combines_its_units_as_independent_risks():
    risk = combine_unit_risk(np.array([0, 0, 1]), np.array([0.1, 0.2, 1.0]), 3)
    assert risk[0] == pytest.approx(1 - 0.9 * 0.8)
    assert risk[1] == pytest.approx(1.0)
    assert risk[2] == 0.0  # no units: nobody drew anything


def test_plain_box_vote_averages_corners_and_drops_boxes_drawn_by_a_minority():
    annotations = {
        0: [("a", [box(10, 10, 100, 100), box(400, 400, 20, 20)]), ("b", [box(12, 8, 100, 104)]),
            ("c", [box(8, 12, 100, 100, "truck")])],
    }  # fmt: skip
    data, _ = box_annotations(annotations, ["car", "truck"])
    result = box_aggregate(data, weighted=False, with_risk=False)
    assert result.values[0] == {
        "boxes": [{"x": 10.0, "y": 10.0, "width": 100.0, "height": 101.33, "label": "car",
                   "confidence": pytest.approx(2 / 3, abs=1e-6)}]
    }  # fmt: skip
    # the car cluster: 2 of 3 gave "car"; the stray box: 2 of 3 gave "absent"
    assert result.confidence[0] == pytest.approx(4 / 9)
    assert result.agreement[0] == pytest.approx(2 * 1 / 8)


def test_competence_pulls_box_corners_towards_the_reliable_annotators():
    annotations = {n: [("a", [box(10, 10, 100, 100)]), ("b", [box(10, 10, 100, 100)]),
                       ("c", [box(40, 40, 100, 100, "truck")] if n % 2 else [])]
                   for n in range(10)}  # fmt: skip
    data, _ = box_annotations(annotations, ["car", "truck"])
    plain = box_aggregate(data, weighted=False, with_risk=False).values[1]["boxes"][0]
    weighted = box_aggregate(data, weighted=True).values[1]["boxes"][0]
    # IoU(10..110, 40..140) = 70^2 / (2 * 100^2 - 70^2) = 0.32: c's box is its own cluster
    assert plain["x"] == weighted["x"] == 10.0
    annotations[1] = [("a", [box(10, 10, 100, 100)]), ("b", []), ("c", [box(20, 20, 100, 100)])]
    data, _ = box_annotations(annotations, ["car", "truck"])
    plain = box_aggregate(data, weighted=False, with_risk=False).values[1]["boxes"][0]
    weighted = box_aggregate(data, weighted=True).values[1]["boxes"][0]
    assert plain["x"] == 15.0
    assert 10.0 <= weighted["x"] < 14.0  # c labels at random: MACE gives c almost no weight


def test_dawid_skene_boxes_keep_clusters_whose_posterior_names_a_label():
    annotations = {n: [("a", [box(10, 10, 100, 100)]), ("b", [box(12, 10, 100, 100)]), ("c", [])]
                   for n in range(20)}  # fmt: skip
    data, _ = box_annotations(annotations, ["car", "truck"])
    result = box_aggregate(data, method="dawid_skene")
    (kept,) = result.values[0]["boxes"]
    assert (kept["label"], kept["x"], kept["width"]) == ("car", 11.0, 100.0)
    assert 0.5 < kept["confidence"] <= 1.0
    assert result.p_wrong is not None
    assert 0 <= result.p_wrong[0] < 0.5


def test_region_f1_compares_spans_exactly_or_by_overlap_and_boxes_at_iou_half():
    gold = {"spans": [span(0, 10, "PER"), span(18, 32, "ORG")]}
    assert region_f1({"spans": [span(0, 10, "PER")]}, gold, "spans") == pytest.approx(2 / 3)
    assert region_f1({"spans": [span(0, 5, "PER")]}, gold, "spans") == 0.0
    # overlap: PER 0-5 matches PER 0-10, and the other way round; ORG is unmatched: 2 of 3
    assert region_f1({"spans": [span(0, 5, "PER")]}, gold, "spans", matching="overlap") == (
        pytest.approx(2 / 3)
    )
    assert region_f1({"spans": []}, {"spans": []}, "spans") == 1.0
    boxes = {"boxes": [box(10, 10, 100, 100)]}
    assert region_f1({"boxes": [box(20, 20, 100, 100)]}, boxes, "boxes") == 1.0  # IoU 0.68
    assert region_f1({"boxes": [box(60, 60, 100, 100)]}, boxes, "boxes") == 0.0  # IoU 0.14
    assert value_parts("spans", {"spans": [span(0, 1, "X"), span(2, 3, "PER")]}, LABELS) == [
        span(2, 3, "PER")
    ]
