"""Span agreement and aggregation against hand-worked values, the krippendorff package and brute force (no DB)."""

from __future__ import annotations

import re

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.metrics.spans.inputs import span_annotations
from review.metrics.spans.matching import compare_spans, overall_f1
from review.metrics.spans.report import build_span_report, span_report
from review.metrics.spans.token_agreement import item_token_figures, presence_alpha, token_alpha
from review.metrics.spans.tokens import token_counts, token_labels, tokenize
from review.metrics.spans.vote import span_vote, weighted_token_votes

TEXTS = {"a": "John Smith lives in New York, near Central Park.", "b": "Mary met Bob!"}
ANNOTATIONS = {
    "a": [
        ("x", [{"start": 0, "end": 10, "label": "PER"}, {"start": 20, "end": 28, "label": "LOC"}]),
        (
            "y",
            [
                {"start": 0, "end": 4, "label": "PER"},
                {"start": 20, "end": 28, "label": "LOC"},
                {"start": 35, "end": 47, "label": "LOC"},
            ],
        ),
        ("z", []),
    ],
    "b": [
        ("x", [{"start": 0, "end": 4, "label": "PER"}]),
        ("y", [{"start": 0, "end": 4, "label": "PER"}, {"start": 9, "end": 12, "label": "PER"}]),
    ],
}


def span(start: int, end: int, label: str = "X") -> dict:
    return {"start": start, "end": end, "label": label}


def reliability_matrix(data, tokens, labelled) -> np.ndarray:
    """Annotators x tokens, the token code each gave (NaN where the annotator did not label the item)."""
    matrix = np.full((data.n_annotators, tokens.count), np.nan)
    for _row, (item, annotator) in enumerate(zip(data.items, data.annotators, strict=True)):
        matrix[annotator, tokens.items == item] = 0
    matrix[data.annotators[labelled.rows], labelled.tokens] = labelled.codes
    return matrix


def prepared(annotations, texts, labels=None):
    data, _ = span_annotations(annotations, texts, labels)
    tokens = tokenize(data.texts)
    labelled = token_labels(data, tokens)
    return data, tokens, labelled, token_counts(data, tokens, labelled)


@pytest.mark.parametrize(
    "text",
    [
        "John Smith, 3.14 -- x_y!",
        "naïve café—東京 Ünïcode\tmix\n\nend.",
        "",
        "   ",
        "a",
        "!!",
        "\u00ff\u20ac\U0001d518\U0001d52b",  # beyond the BMP (4-byte UTF-16)
    ],
)
def test_tokens_are_the_regex_word_runs_and_single_symbols(text):
    tokens = tokenize(["first text", text])
    mine = [
        text[s - tokens.offsets[1] : e - tokens.offsets[1]]
        for s, e in zip(
            tokens.starts[tokens.items == 1], tokens.ends[tokens.items == 1], strict=True
        )
    ]
    assert mine == re.findall(r"\w+|[^\w\s]", text)


def test_token_alpha_equals_the_krippendorff_package_on_the_same_reliability_matrix():
    data, tokens, labelled, counts = prepared(ANNOTATIONS, TEXTS)
    reference = krippendorff.alpha(
        reliability_data=reliability_matrix(data, tokens, labelled), level_of_measurement="nominal"
    )
    assert round(reference, 3) == 0.271
    assert token_alpha(counts).value == pytest.approx(reference, abs=1e-12)


def test_token_alpha_matches_a_hand_worked_two_annotator_example():
    # "a b c d": x marks "a b", y marks "b". Units (O,O) (X,O) (X,X) (O,O) -> values n_O=5, n_X=3,
    # disagreeing coincidences o_OX + o_XO = 2, alpha = 1 - (8 - 1) * 2 / (2 * 5 * 3) = 0.5333.
    _data, _, _, counts = prepared(
        {"t": [("x", [span(0, 3)]), ("y", [span(2, 3)])]}, {"t": "a b c d"}
    )
    assert round(token_alpha(counts).value, 3) == 0.533
    assert round(presence_alpha(counts).value, 3) == 0.533


def test_item_token_alpha_equals_the_package_on_each_item_alone():
    data, tokens, labelled, counts = prepared(ANNOTATIONS, TEXTS)
    matrix = reliability_matrix(data, tokens, labelled)
    per_item, agreement = item_token_figures(counts, tokens, data.n_items)
    for item in range(data.n_items):
        reference = krippendorff.alpha(
            reliability_data=matrix[:, tokens.items == item], level_of_measurement="nominal"
        )
        assert per_item[item] == pytest.approx(reference, abs=1e-12)
    assert np.round(per_item, 3).tolist() == [0.179, 0.533]
    # item b: tokens Mary (2 PER), met (2 O), Bob (PER, O), ! (2 O): 3 of 4 tokens agree
    assert agreement[1] == pytest.approx(3 / 4)


def test_token_alpha_is_undefined_when_nobody_marks_anything():
    _, _, _, counts = prepared({"t": [("x", []), ("y", [])]}, {"t": "calm words only"})
    assert token_alpha(counts).value is None
    assert token_alpha(counts).reason == "no variation"


def test_span_f1_hand_worked_exact_and_overlap():
    # item a: x-y share LOC(20,28) exactly; x's PER(0,10) only overlaps y's PER(0,4); y's
    # LOC(35,47) is alone; z drew nothing. item b: PER(0,4) shared, y's PER(9,12) alone.
    # Spans compared: (2+3) x-y + 2 x-z + 3 y-z + (1+2) = 13. Exact hits 4, overlap hits 6.
    data, _ = span_annotations(ANNOTATIONS, TEXTS)
    f1 = overall_f1(compare_spans(data))
    assert round(f1["exact"].value, 3) == round(4 / 13, 3) == 0.308
    assert round(f1["overlap"].value, 3) == round(6 / 13, 3) == 0.462


def test_span_f1_overlap_needs_the_same_label_and_a_shared_character():
    texts = {"t": "abcdefghij"}
    data, _ = span_annotations(
        {
            "t": [
                ("x", [span(0, 5, "A"), span(5, 8, "A")]),
                ("y", [span(4, 5, "B"), span(5, 6, "A")]),
            ]
        },
        texts,
    )
    comparisons = compare_spans(data)
    # x's A(0,5) touches y's A(5,6)? no (end exclusive); x's A(5,8) overlaps it; B never matches A.
    assert overall_f1(comparisons)["overlap"].value == pytest.approx(2 / 4)
    assert overall_f1(comparisons)["exact"].value == 0.0


def test_span_f1_is_undefined_without_any_span():
    data, _ = span_annotations({"t": [("x", []), ("y", [])]}, {"t": "nothing"})
    assert overall_f1(compare_spans(data))["overlap"].value is None


def test_spans_past_the_text_are_clipped_and_repeats_counted_once():
    data, _ = span_annotations(
        {"t": [("x", [span(3, 99), span(3, 99), span(7, 9)]), ("x", [span(0, 1)]), ("y", [])]},
        {"t": "abc def"},
    )
    assert data.ends.tolist() == [7]  # (7, 9) is empty once clipped; the second "x" is ignored
    assert len(data.items) == 2


def test_unknown_label_is_refused():
    with pytest.raises(ValueError, match="not in the schema"):
        span_annotations({"t": [("x", [span(0, 1, "Z")])]}, {"t": "a"}, labels=["A"])


def test_the_shortest_covering_span_labels_a_token():
    _data, _tokens, labelled, _ = prepared(
        {"t": [("x", [span(0, 11, "A"), span(6, 11, "B")])]}, {"t": "hello world"}
    )
    assert labelled.codes[np.argsort(labelled.tokens)].tolist() == [1, 2]  # A, then B on "world"


def _brute_force_f1(data, overlap: bool) -> float | None:
    spans = list(
        zip(
            data.span_rows.tolist(),
            data.starts.tolist(),
            data.ends.tolist(),
            data.codes.tolist(),
            strict=True,
        )
    )
    hits = n = 0
    for a in range(len(data.items)):
        for b in range(len(data.items)):
            if a == b or data.items[a] != data.items[b]:
                continue
            theirs = [s for s in spans if s[0] == b]
            for _, s, e, c in (s for s in spans if s[0] == a):
                n += 1
                if overlap:
                    hits += any(c2 == c and s2 < e and s < e2 for _, s2, e2, c2 in theirs)
                else:
                    hits += any((s2, e2, c2) == (s, e, c) for _, s2, e2, c2 in theirs)
    return hits / n if n else None


span_lists = st.lists(
    st.tuples(st.integers(0, 20), st.integers(1, 6), st.sampled_from("AB")), max_size=4
)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(span_lists, min_size=1, max_size=4), min_size=1, max_size=4))
def test_vectorised_f1_and_token_alpha_equal_brute_force_and_the_package(items):
    texts = dict.fromkeys(range(len(items)), "ab cd ef gh ij kl mn op qr")
    annotations = {
        u: [(f"r{i}", [span(s, s + w, lab) for s, w, lab in value]) for i, value in enumerate(rows)]
        for u, rows in enumerate(items)
    }
    data, tokens, labelled, counts = prepared(annotations, texts, labels=["A", "B"])
    f1 = overall_f1(compare_spans(data))
    assert f1["exact"].value == pytest.approx(_brute_force_f1(data, overlap=False))
    assert f1["overlap"].value == pytest.approx(_brute_force_f1(data, overlap=True))
    matrix = reliability_matrix(data, tokens, labelled)
    ours = token_alpha(counts).value
    if ours is not None:
        assert ours == pytest.approx(
            krippendorff.alpha(
                reliability_data=matrix, level_of_measurement="nominal", value_domain=[0, 1, 2]
            )
        )


def test_token_vote_merges_majority_tokens_and_ties_go_to_outside():
    data, tokens, labelled, _ = prepared(ANNOTATIONS, TEXTS)
    merged = span_vote(tokens, weighted_token_votes(data, tokens, labelled))
    values = merged.values(data.labels, data.n_items)
    # "John" PER by 2 of 3; "Smith" PER by 1 of 3; "New York" LOC by 2 of 3; "Bob" PER 1 of 2: tie -> O
    assert values[0]["spans"] == [
        {"start": 0, "end": 4, "label": "PER", "confidence": 0.666667},
        {"start": 20, "end": 28, "label": "LOC", "confidence": 0.666667},
    ]
    assert values[1]["spans"] == [{"start": 0, "end": 4, "label": "PER", "confidence": 1.0}]


def test_token_vote_weighs_annotators_by_competence():
    data, tokens, labelled, _ = prepared(
        {"t": [("x", [span(0, 5, "A")]), ("y", [span(0, 5, "B")]), ("z", [])]}, {"t": "hello there"}
    )
    merged = span_vote(tokens, weighted_token_votes(data, tokens, labelled, [1.0, 3.0, 1.0]))
    assert merged.values(data.labels, 1)[0]["spans"] == [
        {"start": 0, "end": 5, "label": "B", "confidence": 0.6}
    ]


def test_token_vote_keeps_adjacent_tokens_of_one_label_as_one_span():
    data, tokens, labelled, _ = prepared(
        {"t": [("x", [span(0, 9, "A")]), ("y", [span(0, 9, "A")])]}, {"t": "New York, ok"}
    )
    merged = span_vote(tokens, weighted_token_votes(data, tokens, labelled))
    assert (merged.starts.tolist(), merged.ends.tolist()) == ([0], [9])


def test_span_report_has_the_single_label_report_shape_and_hand_values():
    report = span_report(ANNOTATIONS, TEXTS)
    assert (report["items"], report["annotations"], report["annotators"]) == (2, 5, 3)
    assert report["alpha_unit"] == "token"
    assert report["krippendorff_alpha"]["nominal"] == pytest.approx(0.270833, abs=1e-6)
    assert report["span_f1"] == {"exact": round(4 / 13, 6), "overlap": round(6 / 13, 6)}
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert pairs[("x", "y")] == {"a": "x", "b": "y", "n": 2, "f1_exact": 0.5, "f1_overlap": 0.75}
    assert pairs[("x", "z")]["f1_overlap"] == 0.0
    x = next(a for a in report["per_annotator"] if a["annotator"] == "x")
    assert (x["n"], x["spans"], x["f1_exact"], x["f1_overlap"]) == (2, 3, 0.4, 0.6)
    # x differs from the vote only on "Smith" (11 tokens in a), agrees on all 4 of b
    assert x["token_agreement_with_aggregate"] == round((10 / 11 + 1) / 2, 6)
    per = {row["label"]: row for row in report["per_label"]}
    assert per["LOC"]["spans"] == 3
    assert per["PER"]["f1_exact"] == pytest.approx(2 / 7, abs=1e-6)
    assert report["pair_matrix"]["annotators"] == ["x", "y", "z"]
    assert report["pair_matrix"]["f1_overlap"][0][1] == 0.75
    assert report["aggregation"]["label_counts"] == {"LOC": 1, "PER": 2}


def test_span_report_gives_alpha_per_guideline_version():
    data, _ = span_annotations(ANNOTATIONS, TEXTS)
    versions = np.array([1, 1, 2, 1, 1])  # z's annotation was made under version 2
    report, _ = build_span_report(
        type(data)(**{**vars(data), "groups": {"guideline_version": versions}})
    )
    rows = {row["key"]: row for row in report["groups"]["guideline_version"]}
    assert rows[1]["annotations"] == 4
    assert rows[1]["items"] == 2
    assert rows[2]["alpha"] is None
    assert rows[2]["items"] == 0


def test_span_report_on_no_annotations_is_all_undefined_not_made_up():
    report = span_report({"t": [("x", [span(0, 1)])]}, {"t": "a b"})
    assert report["items"] == 0
    assert report["krippendorff_alpha"]["nominal"] is None
    assert report["span_f1"]["exact"] is None
    assert "span_f1.exact" in report["undefined"]


def test_span_report_without_any_span_or_label_is_undefined_not_made_up():
    report = span_report({"t": [("x", []), ("y", [])]}, {"t": "a b"})
    assert report["items"] == 1
    assert report["krippendorff_alpha"]["nominal"] is None
    assert report["undefined"]["krippendorff_alpha.nominal"] == "no variation"
    assert report["aggregation"]["count"] == 0


def test_dawid_skene_over_tokens_agrees_with_the_vote_when_annotators_agree():
    texts = {u: f"item {u} has Alice and Bob in Paris" for u in range(20)}
    marked = [span(len(f"item {u} has "), len(f"item {u} has Alice"), "PER") for u in range(20)]
    annotations = {u: [(name, [marked[u]]) for name in ("x", "y", "z")] for u in range(20)}
    data, _ = span_annotations(annotations, texts)
    _, vote = build_span_report(data)
    report, ds = build_span_report(data, aggregation="dawid_skene")
    assert report["aggregation"]["method"] == "token_dawid_skene"
    assert ds.aggregate.starts.tolist() == vote.aggregate.starts.tolist()
    assert ds.aggregate.ends.tolist() == vote.aggregate.ends.tolist()
    assert (ds.aggregate.confidence > 0.99).all()
