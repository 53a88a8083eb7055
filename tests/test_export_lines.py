"""The JSON Lines export's direct line building gives exactly the text of the general encoder."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from labeling.exporters.jsonl import line_of
from labeling.exporters.rows import row_chunks
from labeling.services.exports import export_stream
from tests.factories import AnnotationFactory, ItemFactory, PredictionFactory, UserFactory

pytestmark = pytest.mark.django_db

WHEN = datetime(2024, 5, 1, 12, 30, tzinfo=UTC)


def general_lines(project, include):
    """Every line through the dict rows and the general encoder (the reference)."""
    return "".join(line_of(row) + "\n" for rows in row_chunks(project, include=include) for row in rows)


@pytest.mark.parametrize("include", ["all", "aggregate", "final"])
def test_fast_lines_equal_the_general_encoding_for_every_kind_of_item(project, include):
    alice, bob = UserFactory(username="ålice \"q\""), UserFactory(username="bob")
    plain = ItemFactory(project=project, external_id="p\t1", data={"text": "tab\t, \\ and ü"})
    AnnotationFactory(item=plain, annotator=alice, value={"label": "positive"}, created_at=WHEN, lead_time_ms=7)
    AnnotationFactory(item=plain, annotator=bob, value={"label": "negative"}, created_at=WHEN, unsure=True, comment="hm\n")
    ItemFactory(project=project, external_id="bare", data={"text": "no labels"})
    ItemFactory(project=project, external_id="agreed", agreement=0.25)
    ItemFactory(project=project, external_id="aggregated", aggregate_value={"label": "neutral"}, aggregate_confidence=0.5, aggregate_method="majority")
    ItemFactory(project=project, external_id="settled", final_value={"label": "positive"}, final_reviewer=bob, final_decided_at=WHEN)
    PredictionFactory(item=ItemFactory(project=project, external_id="guessed"), model_version="m1", value={"label": "positive"}, score=0.9)

    fast = "".join(export_stream(project=project, fmt="jsonl", include=include))

    assert fast == general_lines(project, include)
    assert fast.count("\n") == 6
