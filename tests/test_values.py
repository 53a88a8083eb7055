"""The annotation-value contract (labeling.values): labels, class keys, display text, schema labels.

Pure: no database. Every schema kind, malformed values, and the one display rule.
"""

from __future__ import annotations

import pytest

from labeling.values import (
    NONE_TEXT,
    class_key,
    declared_labels,
    schema_labels,
    value_kind,
    value_labels,
    value_text,
)

SPANS = {"spans": [{"start": 6, "end": 12, "label": "LOC"}, {"start": 0, "end": 5, "label": "PER"},
                   {"start": 20, "end": 25, "label": "PER"}]}  # fmt: skip
BOXES = {"boxes": [{"x": 10, "y": 20, "width": 30, "height": 40, "label": "car"},
                   {"x": 1.5, "y": 2, "width": 3, "height": 4, "label": "bike"}]}  # fmt: skip


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ({"label": "a"}, "single"),
        ({"labels": []}, "multi"),
        ({"rating": 3}, "rating"),
        (SPANS, "spans"),
        (BOXES, "boxes"),
        ({"label": "a", "probabilities": {"a": 0.9}}, "single"),
        ({"other": 1}, None),
        (None, None),
        (["a"], None),
    ],
)
def test_value_kind_is_read_from_the_content_key(value, kind):
    assert value_kind(value) == kind


@pytest.mark.parametrize(
    ("value", "labels"),
    [
        ({"label": "positive"}, ("positive",)),
        ({"labels": ["b", "a"]}, ("a", "b")),
        ({"labels": []}, ()),
        ({"rating": 4}, ("4",)),
        (SPANS, ("LOC", "PER")),
        (BOXES, ("bike", "car")),
        ({"label": "a", "probabilities": {"b": 0.1}}, ("a",)),
    ],
)
def test_value_labels_are_the_distinct_sorted_label_names_of_every_kind(value, labels):
    assert value_labels(value) == labels


@pytest.mark.parametrize(
    "value",
    [
        None,
        "positive",
        {},
        {"unknown": "a"},
        {"label": 3},
        {"label": None},
        {"rating": "4"},
        {"rating": True},
        {"labels": "a"},
        {"spans": "PER"},
        {"spans": [{"start": 0, "label": "PER"}, "x", {"start": 0, "end": 1}]},
        {"boxes": [{"x": 1, "y": 2, "width": 3, "label": "car"}]},
        {"boxes": [{"x": True, "y": 0, "width": 1, "height": 1, "label": "car"}]},
    ],
)
def test_malformed_values_name_no_labels(value):
    assert value_labels(value) == ()


def test_malformed_parts_are_skipped_and_well_formed_ones_kept():
    value = {"spans": [{"start": 0, "end": 2, "label": "PER"}, {"start": 1, "label": "LOC"}]}
    assert value_labels(value) == ("PER",)
    assert class_key(value) == ((0, 2, "PER"),)
    assert value_labels({"labels": ["a", 3, None, "b"]}) == ("a", "b")


def test_value_labels_of_another_kind_than_asked_are_empty():
    assert value_labels({"label": "a"}, "multi") == ()
    assert value_labels({"labels": ["a"]}, "multi") == ("a",)


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ({"label": "a"}, "a"),
        ({"rating": 4}, 4),
        ({"labels": ["b", "a", "b"]}, ("a", "b")),
        ({"labels": []}, ()),
        (SPANS, ((0, 5, "PER"), (6, 12, "LOC"), (20, 25, "PER"))),
        (BOXES, ((1.5, 2, 3, 4, "bike"), (10, 20, 30, 40, "car"))),
        ({"spans": []}, ()),
    ],
)
def test_class_key_of_every_kind(value, key):
    assert class_key(value) == key
    assert hash(class_key(value)) == hash(key)


def test_class_keys_are_equal_for_the_same_class_in_another_order():
    assert class_key({"labels": ["a", "b"]}) == class_key({"labels": ["b", "a"]})
    reordered = {"spans": list(reversed(SPANS["spans"]))}
    assert class_key(reordered) == class_key(SPANS)
    assert class_key({"label": "a", "probabilities": {"a": 1.0}}) == class_key({"label": "a"})
    assert class_key({"spans": [{"start": 0, "end": 5, "label": "PER"}]}) != class_key(
        {"spans": [{"start": 0, "end": 6, "label": "PER"}]}
    )


@pytest.mark.parametrize(
    "value",
    [None, {}, {"label": 1}, {"rating": 4.5}, {"rating": None}, {"labels": None}, {"spans": {}}, 7],
)
def test_class_key_of_a_malformed_value_is_none(value):
    assert class_key(value) is None


def test_class_key_of_another_kind_than_asked_is_none():
    assert class_key({"rating": 4}, "single") is None
    assert class_key({"rating": 4}, "rating") == 4


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ({"label": "positive"}, "positive"),
        ({"labels": ["a", "b"]}, "a, b"),
        ({"labels": []}, NONE_TEXT),
        ({"rating": 4}, "4"),
        (SPANS, "LOC 6-12, PER 0-5, PER 20-25"),
        ({"spans": []}, NONE_TEXT),
        (BOXES, "car 10,20 30x40, bike 1.5,2 3x4"),
        ({"boxes": []}, NONE_TEXT),
        ({"label": "a", "probabilities": {"a": 1.0}}, "a"),
        ({"b": 1, "a": [2]}, '{"a":[2],"b":1}'),
        ({"label": 5}, '{"label":5}'),
    ],
)
def test_value_text_is_the_one_display_rule(value, text):
    assert value_text(value) == text


def test_an_empty_label_set_reads_none_not_blank():
    assert NONE_TEXT == "(none)"
    assert value_text({"labels": []}) == "(none)"


def test_schema_labels_of_a_label_schema_are_its_declared_values_in_order():
    schema = {"kind": "multi", "labels": [{"value": "b"}, {"value": "a", "hotkey": "1"}, {}]}
    assert schema_labels(schema) == ["b", "a"]
    assert declared_labels(schema) == ["b", "a"]
    assert schema_labels({"kind": "spans", "labels": [{"value": "PER"}]}) == ["PER"]
    assert schema_labels({"kind": "single"}) == []


def test_schema_labels_of_a_rating_schema_are_its_scale_points():
    schema = {"kind": "rating", "scale": {"min": 1, "max": 5}, "labels": [{"value": "bad"}]}
    assert schema_labels(schema) == ["1", "2", "3", "4", "5"]
    assert declared_labels(schema) == ["bad"]
    assert set(value_labels({"rating": 4})) <= set(schema_labels(schema))


@pytest.mark.parametrize(
    "scale", [None, {"min": 1}, {"min": "1", "max": 5}, {"min": 5, "max": 1}, {"min": 0, "max": 500}]
)
def test_a_rating_schema_without_a_usable_scale_has_no_labels(scale):
    assert schema_labels({"kind": "rating", "scale": scale}) == []


def test_values_module_imports_no_django():
    import subprocess
    import sys

    code = "import sys, labeling.values; print(any(m.startswith('django') for m in sys.modules))"
    result = subprocess.run(  # noqa: S603 (our own interpreter, a fixed program)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
