"""The label schema and annotation values follow DESIGN.md's contract."""

import pytest

from labeling.exceptions import SchemaError, ValueInvalid
from labeling.schema import schema_validate, value_validate
from tests.factories import RATING_SCHEMA, SINGLE_SCHEMA


def test_schema_defaults_settings_when_left_out():
    schema = schema_validate({"kind": "single", "labels": [{"value": "a"}, {"value": "b"}]})
    assert schema["data"] == "text"
    assert schema["settings"] == {
        "overlap": 3,
        "aggregation": "auto",
        "review_budget": 0.15,
        "risk_threshold": None,
    }


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"kind": "poll"}, "schema.kind must be one of"),
        ({"kind": "single", "labels": []}, "non-empty list"),
        ({"kind": "single", "labels": [{"value": "a"}, {"value": "a"}]}, "twice"),
        ({"kind": "single", "labels": [{"value": "a", "hotkey": "12"}]}, "one character"),
        ({"kind": "rating", "scale": {"min": 5, "max": 1}}, "min < max"),
        ({"kind": "rating", "scale": {"min": 1, "max": 5}, "level": "nominal"}, "schema.level"),
        ({"kind": "boxes", "data": "text", "labels": ["car"]}, "needs schema.data 'image'"),
        ({"kind": "single", "labels": ["a"], "settings": {"overlap": 0}}, "settings.overlap"),
        ({"kind": "single", "labels": ["a"], "settings": {"aggregation": "mean"}}, "aggregation"),
    ],
)
def test_bad_schema_is_refused_with_the_field_named(raw, message):
    with pytest.raises(SchemaError, match=message):
        schema_validate(raw)


def test_single_value_must_be_a_schema_label():
    schema = schema_validate(SINGLE_SCHEMA)
    assert value_validate(schema, {"label": "negative"}) == {"label": "negative"}
    with pytest.raises(ValueInvalid, match="'maybe' is not in the schema"):
        value_validate(schema, {"label": "maybe"})


def test_rating_value_must_be_on_the_scale():
    schema = schema_validate(RATING_SCHEMA)
    assert value_validate(schema, {"rating": 5}) == {"rating": 5}
    with pytest.raises(ValueInvalid, match="from 1 to 5"):
        value_validate(schema, {"rating": 6})
    with pytest.raises(ValueInvalid):
        value_validate(schema, {"rating": True})


def test_multi_value_is_normalised_to_schema_order_and_refuses_repeats():
    schema = schema_validate({"kind": "multi", "labels": ["a", "b", "c"]})
    assert value_validate(schema, {"labels": ["c", "a"]}) == {"labels": ["a", "c"]}
    with pytest.raises(ValueInvalid, match="repeat"):
        value_validate(schema, {"labels": ["a", "a"]})


def test_spans_past_the_end_of_the_text_are_refused():
    schema = schema_validate({"kind": "spans", "labels": ["PER"]})
    ok = value_validate(schema, {"spans": [{"start": 0, "end": 5, "label": "PER"}]}, text="Alice went")
    assert ok["spans"][0]["end"] == 5
    with pytest.raises(ValueInvalid, match="past the text"):
        value_validate(schema, {"spans": [{"start": 0, "end": 50, "label": "PER"}]}, text="Alice")


def test_boxes_need_non_negative_numbers():
    schema = schema_validate({"kind": "boxes", "data": "image", "labels": ["car"]})
    box = {"x": 1, "y": 2, "width": 3, "height": 4, "label": "car"}
    assert value_validate(schema, {"boxes": [box]})["boxes"] == [box]
    with pytest.raises(ValueInvalid, match="non-negative"):
        value_validate(schema, {"boxes": [{**box, "width": -1}]})


def test_span_offsets_count_python_code_points_not_utf16_units():
    schema = schema_validate({"kind": "spans", "labels": ["PER"]})
    text = "\U0001f600 Ann"  # the emoji is one Python character, two UTF-16 units
    ok = value_validate(schema, {"spans": [{"start": 2, "end": 5, "label": "PER"}]}, text=text)
    assert text[ok["spans"][0]["start"] : ok["spans"][0]["end"]] == "Ann"
    with pytest.raises(ValueInvalid, match="past the text"):
        value_validate(schema, {"spans": [{"start": 3, "end": 6, "label": "PER"}]}, text=text)


def test_boxes_must_lie_inside_the_image():
    schema = schema_validate({"kind": "boxes", "data": "image", "labels": ["car"]})
    box = {"x": 600, "y": 400, "width": 40, "height": 80, "label": "car"}
    assert value_validate(schema, {"boxes": [box]}, size=(640, 480))["boxes"] == [box]
    with pytest.raises(ValueInvalid, match="past the image"):
        value_validate(schema, {"boxes": [{**box, "width": 41}]}, size=(640, 480))
    with pytest.raises(ValueInvalid, match="past the image"):
        value_validate(schema, {"boxes": [{**box, "y": 400.5}]}, size=(640, 480))


def test_boxes_need_a_positive_finite_size():
    schema = schema_validate({"kind": "boxes", "data": "image", "labels": ["car"]})
    box = {"x": 1, "y": 2, "width": 3, "height": 4, "label": "car"}
    with pytest.raises(ValueInvalid, match="positive width"):
        value_validate(schema, {"boxes": [{**box, "height": 0}]})
    with pytest.raises(ValueInvalid, match="non-negative"):
        value_validate(schema, {"boxes": [{**box, "x": float("nan")}]})
