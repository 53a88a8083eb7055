"""Real data: ConvAbuse (per-annotator CSV) converted to our JSONL, with its repeated judgements.

The dataset's README measures 4,185 items and 345 (item, annotator) pairs judged more than
once (357 extra rows); the import must report them, or keep the first with dedupe.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from labeling.exceptions import ImportFailed
from labeling.models import Annotation, Item
from labeling.services.imports import import_file
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "convabuse" / "ConvAbuseEMNLPfull.csv"
SEVERITIES = ("1", "0", "-1", "-2", "-3")
SCHEMA = {"kind": "single", "data": "text", "labels": [{"value": s} for s in SEVERITIES]}


@pytest.fixture(scope="module")
def convabuse_jsonl(tmp_path_factory):
    """The whole file as one JSONL line per item (key: conversation and the four turns)."""
    if not DATASET.exists():
        pytest.skip(f"{DATASET} is absent (the shared datasets folder is not next to the repo)")
    items: dict[tuple[str, ...], dict] = {}
    with DATASET.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["conv_id"], row["prev_agent"], row["prev_user"], row["agent"], row["user"])
            item = items.setdefault(
                key,
                {
                    "id": f"convabuse-{len(items)}",
                    "data": {"text": row["user"], "context": list(key[1:4]), "bot": row["bot"]},
                    "annotations": [],
                },
            )
            label = next(s for s in SEVERITIES if row[f"is_abuse.{s}"] == "1")
            item["annotations"].append({"annotator": row["annotator_id"], "value": {"label": label}})
    path = tmp_path_factory.mktemp("convabuse") / "convabuse.jsonl"
    path.write_text("".join(json.dumps(item) + "\n" for item in items.values()), encoding="utf-8")
    return path


def test_repeated_judgements_are_reported_with_their_lines(convabuse_jsonl):
    project = ProjectFactory(schema=SCHEMA)

    with pytest.raises(ImportFailed) as failure:
        import_file(project=project, path=convabuse_jsonl)

    details = failure.value.details
    assert len(details) == 50
    assert "stopped at the first 50" in failure.value.message
    assert all("labels it twice" in d["message"] for d in details)
    assert all(d["line"] >= 1 for d in details)
    assert Item.objects.filter(project=project).count() == 0


def test_dedupe_keeps_the_first_judgement_of_each_pair(convabuse_jsonl):
    project = ProjectFactory(schema=SCHEMA)

    counts = import_file(project=project, path=convabuse_jsonl, dedupe=True)

    assert counts.items == 4185
    assert counts.annotations == 12768 - 357
    assert counts.annotators == 8
    per_item = Item.objects.filter(project=project).values_list("annotation_count", flat=True)
    assert min(per_item) == 2
    assert max(per_item) == 7
    assert Annotation.objects.filter(project=project).count() == counts.annotations
