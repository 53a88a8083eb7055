"""The building half of scale_bench.py: a large project through the real import path.

Items are imported in chunks of CHUNK items (each its own import_file call, the path of
`import_items` and import jobs), so an interrupted build resumes at the next chunk and a
second run reuses what is there. Two items in three arrive with three annotations (by 3 of
20 annotators, agreeing four times in five); the third is unlabeled, left for `next`.
Since importing flags labeled items for the review drain, which this bench does not run, a
stand-in drain in SQL gives them an aggregate (the mode of their labels) and an agreement,
and raises a low-agreement flag on one labeled item in 50 for the review queue.
"""

from __future__ import annotations

import json
import random
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

CHUNK = 500_000
LABELS = ("positive", "negative", "neutral")
ANNOTATORS = 20
WORDS = ["the", "annotators", "read", "each", "sentence", "twice", "before", "they", "choose", "a", "label", "and", "the", "guideline", "says"]
SCHEMA = {
    "kind": "single", "data": "text",
    "labels": [{"value": label} for label in LABELS],
    "settings": {"overlap": 3, "aggregation": "majority"},
}


def line(index: int, rng: random.Random) -> dict[str, Any]:
    text = " ".join(rng.choice(WORDS) for _ in range(30))
    record: dict[str, Any] = {"id": f"item-{index}", "data": {"text": f"{index} {text}"}}
    if index % 3:
        truth = rng.choice(LABELS)
        record["annotations"] = [
            {"annotator": f"scale-annotator-{n}", "value": {"label": truth if rng.random() < 0.8 else rng.choice(LABELS)},
             "lead_time_ms": rng.randint(500, 9000)}
            for n in rng.sample(range(ANNOTATORS), 3)
        ]
    return record


def chunk_write(path: Path, start: int, stop: int) -> None:
    rng = random.Random(start)
    with path.open("w", encoding="utf-8") as out:
        for index in range(start, stop):
            out.write(json.dumps(line(index, rng)) + "\n")


# The stand-in for review.process_pending_items over the rows an import flagged.
DRAIN = """
UPDATE labeling_item AS i SET aggregate_value = m.top, aggregate_method = 'majority',
    aggregate_confidence = 0.8, agreement = (i.id %% 97) / 96.0,
    recompute_pending = false, recompute_pending_since = NULL
FROM (SELECT a.item_id, mode() WITHIN GROUP (ORDER BY a.value) AS top
      FROM labeling_annotation a JOIN labeling_item p ON p.id = a.item_id
      WHERE p.project_id = %s AND p.recompute_pending GROUP BY a.item_id) AS m
WHERE i.id = m.item_id
"""
FLAGS = """
INSERT INTO review_flag (project_id, item_id, reason, severity, status, details, dismiss_reason,
    created_at, updated_at)
SELECT project_id, id, 'low_agreement', agreement, 'open', '{}'::jsonb, '', now(), now()
FROM labeling_item WHERE project_id = %s AND id > %s AND annotation_count > 0 AND id %% 50 = 7
ON CONFLICT DO NOTHING
"""


def project_ready(name: str) -> Any:
    """The bench project with a lead and an active annotator (created on the first run)."""
    from django.contrib.auth import get_user_model

    from labeling.models import Membership, Project, Role

    project, _ = Project.objects.get_or_create(name=name, defaults={"schema": SCHEMA, "overlap": 3})
    for username, role in (("scale-lead", Role.LEAD), ("scale-annotator", Role.ANNOTATOR)):
        user, _ = get_user_model().objects.get_or_create(username=username)
        Membership.objects.get_or_create(project=project, user=user, defaults={"role": role})
    return project


def build(project: Any, items: int) -> dict[str, Any]:
    """Import up to `items` items in chunks; returns the import figures of this run."""
    from django.db import connection

    from labeling import events
    from labeling.services.imports import import_file

    sent: list[str] = []
    events.enqueue = lambda name, args, **options: sent.append(name)  # no worker is measured
    have = project.items.count()
    imported, seconds = 0, 0.0
    with tempfile.TemporaryDirectory() as folder:
        for start in range(have, items, CHUNK):
            stop = min(start + CHUNK, items)
            path = Path(folder) / f"items-{start}.jsonl"
            chunk_write(path, start, stop)
            last_id = project.items.order_by("-id").values_list("id", flat=True).first() or 0
            began = time.perf_counter()
            import_file(project=project, path=path)
            seconds += time.perf_counter() - began
            imported += stop - start
            with connection.cursor() as cursor:
                cursor.execute(DRAIN, [project.pk])
                cursor.execute(FLAGS, [project.pk, last_id])
            path.unlink()
            print(f"  imported items {start:,}-{stop:,} ({imported / seconds:,.0f} items/s)", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "imported": imported,
        "import_items_per_s": imported / seconds if seconds else None,
        "import_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "parse_peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "tasks_sent": len(sent),
    }
