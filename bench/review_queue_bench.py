"""Review queue at 100,000 items on PostgreSQL: time the queue page, first and filtered.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_reviewq_bench \\
        .venv/bin/python bench/review_queue_bench.py [N_ITEMS] [--runs 15]

Seeds one project (default 100,000 items, 3 annotations each, guideline versions 1 and 2) with
open flags on about 60% of the items across four reasons and a few thousand settled decisions,
using INSERT ... SELECT generate_series. Then a logged-in reviewer requests the queue page
through Django's test client (session, view, selectors, template); each case prints the median
and p90 of RUNS requests. The database is created and migrated if needed; a seeded project
is reused on a second run. Target: < 300 ms per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from pg_setup import django_on_postgres

RUNS = 15
PROJECT_NAME = "review-queue-bench"
ANNOTATORS = ("bench-ann-1", "bench-ann-2", "bench-ann-3")


def main() -> None:
    global RUNS  # the timing loops read it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("items", type=int, nargs="?", default=100_000, help="items to seed")
    parser.add_argument("--runs", type=int, default=RUNS, help="requests per case (median of)")
    args = parser.parse_args()
    n_items, RUNS = args.items, args.runs
    django_on_postgres()
    project, reviewer = seed(n_items)
    report(project, reviewer, n_items)



def seed(n_items: int):
    """The bench project with a reviewer; seeds items, annotations, flags unless already there."""
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from labeling.models import Membership, Project, Role

    users = get_user_model().objects
    reviewer, _ = users.get_or_create(username="bench-reviewer")
    annotators = [users.get_or_create(username=name)[0] for name in ANNOTATORS]
    schema = {
        "kind": "single",
        "data": "text",
        "labels": [{"value": v} for v in ("positive", "negative", "neutral", "sarcasm")],
        "settings": {"overlap": 3, "aggregation": "majority"},
    }
    project, _ = Project.objects.get_or_create(name=PROJECT_NAME, defaults={"schema": schema})
    Membership.objects.get_or_create(
        project=project, user=reviewer, defaults={"role": Role.REVIEWER}
    )
    for user in annotators:
        Membership.objects.get_or_create(project=project, user=user)
    if project.items.count() == n_items:
        print(f"reusing {n_items:,} seeded items")
        return project, reviewer
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "review_flag",
            "review_reviewdecision",
            "labeling_annotation",
            "labeling_item",
        ):
            cursor.execute(f"DELETE FROM {table} WHERE project_id = %s", [project.pk])  # noqa: S608
        cursor.execute(ITEMS_SQL, [project.pk, n_items])
        for offset, user in enumerate(annotators):
            cursor.execute(ANNOTATIONS_SQL, [project.pk, user.pk, offset, project.pk])
        for reason, modulo in (
            ("low_agreement", 3),
            ("unsure", 5),
            ("model_disagrees", 7),
            ("rare_label", 50),
        ):
            cursor.execute(FLAGS_SQL, [project.pk, reason, project.pk, modulo])
        cursor.execute(DECISIONS_SQL, [project.pk, reviewer.pk, project.pk])
    with connection.cursor() as cursor:
        for table in (
            "labeling_item",
            "labeling_annotation",
            "review_flag",
            "review_reviewdecision",
        ):
            cursor.execute(f"ANALYZE {table}")
    print(f"seeded {n_items:,} items in {time.perf_counter() - started:.1f} s")
    return project, reviewer


ITEMS_SQL = """
INSERT INTO labeling_item (project_id, external_id, data, is_gold, annotation_count, agreement,
    aggregate_value, aggregate_confidence, aggregate_method, round, reopened_for, is_example,
    example_note, created_at)
SELECT %s, 'q-' || g, jsonb_build_object('text', 'Comment ' || g || ' ' || md5(g::text)),
    false, 3, (g %% 3 + 1) / 3.0,
    jsonb_build_object('label', (ARRAY['positive','negative','neutral','sarcasm'])[1 + g %% 4]),
    (g %% 3 + 1) / 3.0, 'majority', 1, '[]'::jsonb, false, '', now()
FROM generate_series(1, %s) AS g
"""
ANNOTATIONS_SQL = """
INSERT INTO labeling_annotation (project_id, item_id, annotator_id, value, guideline_version,
    lead_time_ms, prelabel_shown, unsure, comment, round, created_at, updated_at)
SELECT %s, id, %s, jsonb_build_object('label',
        (ARRAY['positive','negative','neutral','sarcasm'])[1 + (id + %s) %% 4]),
    1 + id %% 2, 2000, false, false, '', 1, now(), now()
FROM labeling_item WHERE project_id = %s
"""
FLAGS_SQL = """
INSERT INTO review_flag (project_id, item_id, reason, severity, status, details, dismiss_reason,
    created_at, updated_at)
SELECT %s, id, %s, (id %% 1000) / 1000.0, 'open', '{}'::jsonb, '', now(), now()
FROM labeling_item WHERE project_id = %s AND id %% %s = 0
"""
DECISIONS_SQL = """
INSERT INTO review_reviewdecision (project_id, item_id, reviewer_id, action, cause, value, note,
    created_at)
SELECT %s, id, %s, 'final', (ARRAY['guideline_gap','ambiguous','slip','bad_item'])[1 + id %% 4],
    jsonb_build_object('label', 'neutral'), '', now()
FROM labeling_item WHERE project_id = %s AND id %% 23 = 0
"""


def report(project, reviewer, n_items: int) -> None:
    """Print median/p90 per case for the queue page and the item page."""
    from django.db import connection
    from django.test import Client

    client = Client()
    client.force_login(reviewer)
    queue_url = f"/projects/{project.pk}/review/"
    annotator = project.memberships.filter(user__username=ANNOTATORS[1]).get().user_id
    second = client.get(queue_url).context["next_query"]
    flags = project.flags.count()
    print(
        f"\nreview queue, {n_items:,} items, {flags:,} open flags, {connection.vendor}, "
        f"median of {RUNS} requests (whole page):"
    )
    cases = [
        ("first page, no filter", {}),
        ("second page (cursor)", dict(pair.split("=") for pair in second.split("&"))),
        ("first page, reason=low_agreement", {"reason": "low_agreement"}),
        ("first page, reason=rare_label", {"reason": "rare_label"}),
        ("first page, label=sarcasm", {"label": "sarcasm"}),
        ("first page, annotator", {"annotator": annotator}),
        ("first page, guideline version 2", {"version": 2}),
        (
            "reason + label + annotator + version",
            {"reason": "unsure", "label": "negative", "annotator": annotator, "version": 2},
        ),
    ]
    for label, params in cases:
        timings = timed(lambda params=params: client.get(queue_url, params))
        print(f"  {label:<40} {statistics.median(timings):7.1f} ms  (p90 {p90(timings):6.1f})")
    top = project.flags.order_by("-severity", "id").first()
    item_url = f"/projects/{project.pk}/review/items/{top.item_id}/"
    timings = timed(lambda: client.get(item_url))
    print(
        f"  {'item page (top of queue)':<40} {statistics.median(timings):7.1f} ms  "
        f"(p90 {p90(timings):6.1f})"
    )


def timed(call) -> list[float]:
    """Milliseconds per call after one warm-up; exits if a page does not answer 200."""
    call()
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = call()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"page answered {response.status_code}")
    return timings


def p90(values: list[float]) -> float:
    return sorted(values)[max(int(len(values) * 0.9) - 1, 0)]


if __name__ == "__main__":
    main()
