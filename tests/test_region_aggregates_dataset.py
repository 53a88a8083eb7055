"""The stored span aggregate on the real Toxic Spans ratings (../shared/datasets/toxic_spans).

The plain segment vote must give exactly the token vote of the agreement report (the
dataset's own majority rule), and p_wrong must rank contested posts above unanimous ones.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from review.metrics.spans.aggregate import span_aggregate
from review.metrics.spans.report import build_span_report
from tests.test_metrics_spans_dataset import DATASET, toxic_span_data

pytestmark = pytest.mark.skipif(
    not DATASET.is_dir() and os.environ.get("CI") != "true",
    reason=f"toxic_spans dataset not found at {DATASET} (CI provides it)",
)


@pytest.fixture(scope="module")
def toxic():
    return toxic_span_data()[2]


def plain(value):
    return [(s["start"], s["end"], s["label"]) for s in value["spans"]]


def test_the_plain_segment_vote_equals_the_reports_token_vote_on_every_post(toxic):
    _, items = build_span_report(toxic)
    expected = items.aggregate.values(list(toxic.labels), toxic.n_items)
    ours = span_aggregate(toxic, weighted=False, with_risk=False).values
    assert len(ours) == toxic.n_items > 10_000
    assert [plain(v) for v in ours] == [plain(v) for v in expected]
    assert [[s["confidence"] for s in v["spans"]] for v in ours] == [
        [s["confidence"] for s in v["spans"]] for v in expected
    ]


def test_p_wrong_ranks_contested_posts_above_unanimous_ones(toxic):
    result = span_aggregate(toxic, method="dawid_skene")
    assert result.p_wrong is not None
    assert np.isfinite(result.p_wrong).all()
    assert ((result.p_wrong >= 0) & (result.p_wrong <= 1)).all()
    # posts where every span meets a same-label span of every other rater (overlap F1 1), or
    # where nobody marked anything
    overlap_f1 = span_aggregate(toxic, weighted=False, with_risk=False).agreement
    unanimous = np.nan_to_num(overlap_f1, nan=1.0) >= 1.0
    assert 0 < unanimous.sum() < toxic.n_items
    assert result.p_wrong[unanimous].mean() < result.p_wrong[~unanimous].mean()
