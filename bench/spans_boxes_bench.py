"""Span and box agreement benchmark: the full reports on 100,000 generated annotations each.

33,334 items x 3 annotators (drawn from a pool of 30) = 100,002 annotations per kind.
Spans: texts of 20-60 words, 0-3 true spans of 1-3 words with 4 labels; each annotator keeps
a span (85%), moves one edge by a word (10%), changes its label (5%) and adds a stray span (10%).
Boxes: 1000x750 images with 0-4 true boxes of 4 labels; each annotator redraws a box with
N(0, 3 px) jitter on every edge (90%) and its label changed (5%), and adds a stray box (5%).
Prints the seconds of each report (best of --repeat runs) and its headline figures; the
conversion from the item -> [(annotator, value)] mapping is timed apart. No database.

    .venv/bin/python bench/spans_boxes_bench.py [--items 33334] [--repeat 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.metrics.boxes.inputs import box_annotations
from review.metrics.boxes.report import build_box_report
from review.metrics.spans.inputs import span_annotations
from review.metrics.spans.report import build_span_report

PER_ITEM = 3
POOL = 30
LABELS = ["PER", "ORG", "LOC", "MISC"]
WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "is",
    "it",
    "you",
    "that",
    "he",
    "was",
    "for",
    "on",
    "are",
    "with",
    "as",
    "his",
    "they",
    "be",
    "at",
    "one",
    "have",
]
SEED = 42


def _text(rng: np.random.Generator) -> tuple[str, list[tuple[int, int]]]:
    """A random text and the character range of each of its words."""
    words = [
        WORDS[i] + ("," if rng.random() < 0.1 else "")
        for i in rng.integers(0, len(WORDS), rng.integers(20, 61))
    ]
    bounds, position = [], 0
    for word in words:
        bounds.append((position, position + len(word)))
        position += len(word) + 1
    return " ".join(words), bounds


def _annotator_spans(rng, truth, bounds) -> list[dict[str, Any]]:
    """One annotator's copy of the true (first word, last word, label) spans, with mistakes."""
    spans = []
    for first, last, label in truth:
        if rng.random() >= 0.85:
            continue
        if rng.random() < 0.10:
            last = min(last + 1, len(bounds) - 1)
        if rng.random() < 0.05:
            label = LABELS[rng.integers(len(LABELS))]
        spans.append({"start": bounds[first][0], "end": bounds[last][1], "label": label})
    if rng.random() < 0.10:
        w = int(rng.integers(len(bounds)))
        spans.append({"start": bounds[w][0], "end": bounds[w][1], "label": LABELS[rng.integers(4)]})
    return spans


def generated_spans(n_items: int) -> tuple[dict[int, list], dict[int, str]]:
    """Item -> [(annotator, spans)] and item -> text (see the module docstring)."""
    rng = np.random.default_rng(SEED)
    annotations, texts = {}, {}
    for u in range(n_items):
        texts[u], bounds = _text(rng)
        starts = rng.choice(len(bounds) // 4, size=rng.integers(0, 4), replace=False) * 4
        truth = [(s, s + int(rng.integers(0, 3)), LABELS[rng.integers(4)]) for s in starts]
        annotators = rng.choice(POOL, size=PER_ITEM, replace=False)
        annotations[u] = [(f"a{a}", _annotator_spans(rng, truth, bounds)) for a in annotators]
    return annotations, texts


def generated_boxes(n_items: int) -> dict[int, list]:
    """Item -> [(annotator, boxes)] (see the module docstring)."""
    rng = np.random.default_rng(SEED)
    annotations = {}
    for u in range(n_items):
        cells = rng.choice(12, size=rng.integers(0, 5), replace=False)
        truth = [
            (
                250 * (c % 4) + rng.uniform(0, 100),
                250 * (c // 4) + rng.uniform(0, 100),
                rng.uniform(40, 150),
                rng.uniform(40, 150),
                LABELS[rng.integers(4)],
            )
            for c in cells
        ]
        rows = []
        for a in rng.choice(POOL, size=PER_ITEM, replace=False):
            boxes = []
            for x, y, w, h, label in truth:
                if rng.random() < 0.9:
                    dx, dy, dw, dh = rng.normal(0, 3, 4)
                    label = LABELS[rng.integers(4)] if rng.random() < 0.05 else label
                    boxes.append(
                        {
                            "x": x + dx,
                            "y": y + dy,
                            "width": w + dw,
                            "height": h + dh,
                            "label": label,
                        }
                    )
            if rng.random() < 0.05:
                boxes.append(
                    {
                        "x": rng.uniform(0, 900),
                        "y": rng.uniform(0, 650),
                        "width": 50,
                        "height": 50,
                        "label": "PER",
                    }
                )
            rows.append((f"a{a}", boxes))
        annotations[u] = rows
    return annotations


def timed(label: str, func, repeat: int):
    """Best of ``repeat`` runs; prints wall-clock and CPU seconds, returns (wall seconds, result).

    CPU time is printed too because the shared machine's load can stretch wall-clock time.
    """
    best, cpu, result = float("inf"), float("inf"), None
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func()
        best = min(best, time.perf_counter() - start)
        cpu = min(cpu, time.process_time() - start_cpu)
    print(f"{label:<46} {best:7.3f} s wall  {cpu:7.3f} s CPU")
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=33_334)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spans, texts = generated_spans(args.items)
    boxes = generated_boxes(args.items)
    _, (span_data, _) = timed(
        "spans: mapping -> arrays", lambda: span_annotations(spans, texts, LABELS), 1
    )
    _, (box_data, _) = timed("boxes: mapping -> arrays", lambda: box_annotations(boxes, LABELS), 1)
    print(f"spans: {len(span_data.items):,} annotations, {len(span_data.span_rows):,} spans")
    print(f"boxes: {len(box_data.items):,} annotations, {len(box_data.box_rows):,} boxes")
    span_seconds, (span_report, _) = timed(
        "spans: full agreement report + token vote",
        lambda: build_span_report(span_data),
        args.repeat,
    )
    box_seconds, (box_report, _) = timed(
        "boxes: full agreement report + clustering", lambda: build_box_report(box_data), args.repeat
    )
    print(
        f"spans: token alpha {span_report['krippendorff_alpha']['nominal']}, presence alpha "
        f"{span_report['krippendorff_alpha']['presence']}, F1 exact {span_report['span_f1']['exact']}, "
        f"overlap {span_report['span_f1']['overlap']}, merged spans {span_report['aggregation']['count']:,}"
    )
    print(
        f"boxes: F1@0.5 {box_report['box_f1']['labelled']} (any label {box_report['box_f1']['any_label']}), "
        f"mean IoU {box_report['mean_iou']}, alpha {box_report['krippendorff_alpha']['nominal']}, "
        f"merged boxes {box_report['aggregation']['count']:,}"
    )
    print(f"spans + boxes: {span_seconds + box_seconds:.3f} s (target < 5 s)")


if __name__ == "__main__":
    main()
