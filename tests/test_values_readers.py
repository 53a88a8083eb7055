"""The readers of annotation values (flags, votes, pre-labeling) agree with labeling.values.

No database: each reader is called on constructed values of every class kind.
"""

from __future__ import annotations

import pytest

from labeling.prelabel.labels import class_of, same_value, value_of
from labeling.values import NONE_TEXT, class_key, value_text
from review.flags.values import majority_share, values_match
from review.metrics.inputs import SchemaSpec
from review.services.aggregate_values import aggregate_value
from review.services.item_votes import value_name

MULTI = SchemaSpec("multi", labels=("a", "b", "c"))


def test_a_label_set_in_another_order_is_the_same_value_for_flags_and_votes():
    left, right = {"labels": ["a", "b"]}, {"labels": ["b", "a"]}
    assert class_key(left) == class_key(right)
    assert values_match(left, right)
    assert majority_share([left, right]) == 1.0
    assert value_name(MULTI, left) == value_name(MULTI, right) == "a+b"
    assert class_of("multi", left) == class_of("multi", right) == "a|b"


def test_extra_keys_such_as_probabilities_do_not_change_the_class():
    plain, scored = {"label": "a"}, {"label": "a", "probabilities": {"a": 0.8, "b": 0.2}}
    assert values_match(plain, scored)
    assert same_value("single", plain, scored)


def test_the_empty_label_set_votes_reads_and_round_trips_as_none_text():
    empty = {"labels": []}
    assert value_name(MULTI, empty) == NONE_TEXT
    assert value_text(empty) == NONE_TEXT
    assert aggregate_value(MULTI, NONE_TEXT) == empty


@pytest.mark.parametrize(
    ("spec", "value", "name"),
    [
        (SchemaSpec("single", labels=("a", "b")), {"label": "b"}, "b"),
        (SchemaSpec("single", labels=("a", "b")), {"label": "z"}, None),
        (SchemaSpec("rating", scale=(1, 5)), {"rating": 4}, "4"),
        (SchemaSpec("rating", scale=(1, 5)), {"rating": 9}, None),
        (SchemaSpec("rating", scale=(1, 5)), {"rating": "4"}, None),
        (MULTI, {"labels": ["c", "a"]}, "a+c"),
        (MULTI, {"label": "a"}, None),
        (MULTI, {"labels": None}, None),
        (SchemaSpec("spans", labels=("PER",)), {"spans": []}, None),
    ],
)
def test_vote_names_come_from_the_class_key(spec, value, name):
    assert value_name(spec, value) == name
    if name is not None:
        assert aggregate_value(spec, name) == value_of(spec.kind, class_of(spec.kind, value))


@pytest.mark.parametrize(
    ("kind", "value"),
    [("single", {"label": "a"}), ("rating", {"rating": 3}), ("multi", {"labels": ["b", "a"]})],
)
def test_prelabel_classes_round_trip_to_the_same_class_key(kind, value):
    assert class_key(value_of(kind, class_of(kind, value))) == class_key(value)


def test_spans_and_boxes_have_no_classifier_class_but_a_class_key():
    spans = {"spans": [{"start": 0, "end": 3, "label": "PER"}]}
    assert class_of("spans", spans) is None
    assert class_key(spans) == ((0, 3, "PER"),)
    assert values_match(spans, {"spans": [{"start": 0, "end": 3, "label": "PER"}]})
    assert not values_match(spans, {"spans": [{"start": 0, "end": 4, "label": "PER"}]})


def test_malformed_values_fall_back_to_their_json_in_flags():
    assert values_match({"other": 1}, {"other": 1})
    assert not values_match({"other": 1}, {"other": 2})
    assert not values_match(None, {"label": "a"})
