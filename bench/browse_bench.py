"""Items browser at 1,000,000 items on PostgreSQL: time per page, first and deep, with filters.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_lead_bench \\
        .venv/bin/python bench/browse_bench.py [N_ITEMS] [--runs 15]

Seeds one project with N items (default 1,000,000) in one INSERT ... SELECT generate_series
(about a quarter each unlabeled / in progress / complete, 8% settled, 1% with an open flag),
then times the whole data page through Django's test client (session, view, keyset
selector, template) and the selector alone. Prints the median of RUNS requests per case.
The database is created and migrated if needed; a seeded project is reused on a second run.
Target: < 50 ms per page.
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
# Production-like: DEBUG off caches compiled templates (DEBUG on re-reads them every request).
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "browse-bench-only-not-a-real-secret-key")

from pg_setup import django_on_postgres

RUNS = 15
PROJECT_NAME = "browse-bench"
LABELS = ("positive", "negative", "neutral")


def main() -> None:
    global RUNS  # the timing loops read it
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("items", type=int, nargs="?", default=1_000_000, help="items to seed")
    parser.add_argument("--runs", type=int, default=RUNS, help="requests per case (median of)")
    args = parser.parse_args()
    n_items, RUNS = args.items, args.runs
    django_on_postgres()
    project, lead = _seed(n_items)
    _report(project, lead, n_items)


def _seed(n_items: int):
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from labeling.models import Membership, Project, Role

    user, _ = get_user_model().objects.get_or_create(username="bench-lead")
    schema = {
        "kind": "single", "data": "text",
        "labels": [{"value": label} for label in LABELS],
        "settings": {"overlap": 3, "aggregation": "majority"},
    }
    project, _ = Project.objects.get_or_create(name=PROJECT_NAME, defaults={"schema": schema})
    Membership.objects.get_or_create(project=project, user=user, defaults={"role": Role.LEAD})
    if project.items.count() == n_items:
        print(f"reusing {n_items:,} seeded items")
        return project, user
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM review_flag WHERE project_id = %s", [project.pk])
        cursor.execute("DELETE FROM labeling_item WHERE project_id = %s", [project.pk])
        cursor.execute(SEED_ITEMS, [project.pk, n_items])
        cursor.execute(SEED_FLAGS, [project.pk, project.pk])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE labeling_item")
        cursor.execute("ANALYZE review_flag")
    print(f"seeded {n_items:,} items in {time.perf_counter() - started:.1f} s")
    return project, user


# g % 4: 0 unlabeled, 1-2 in progress, 3 complete (with agreement + aggregate); g % 12 == 3 settled.
SEED_ITEMS = """
INSERT INTO labeling_item (
    project_id, external_id, data, is_gold, annotation_count, agreement, aggregate_value,
    aggregate_method, final_value, round, reopened_for, is_example, example_note, created_at)
SELECT %s, 'item-' || g,
    jsonb_build_object('text', 'Review number ' || g || ' says ' || md5(g::text)),
    false, g %% 4,
    CASE WHEN g %% 4 = 3 THEN (g %% 97) / 96.0 END,
    CASE WHEN g %% 4 = 3 THEN jsonb_build_object('label', (ARRAY['positive','negative','neutral'])[1 + g %% 3]) END,
    CASE WHEN g %% 4 = 3 THEN 'majority' ELSE '' END,
    CASE WHEN g %% 12 = 3 THEN jsonb_build_object('label', 'neutral') END,
    1, '[]'::jsonb, false, '', now()
FROM generate_series(1, %s) AS g
"""
SEED_FLAGS = """
INSERT INTO review_flag (project_id, item_id, reason, severity, status, details, dismiss_reason,
    created_at, updated_at)
SELECT %s, id, 'low_agreement', 0.5, 'open', '{}'::jsonb, '', now(), now()
FROM labeling_item WHERE project_id = %s AND id %% 100 = 7
"""


def _report(project, lead, n_items: int) -> None:
    from django.test import Client

    from labeling.browse import BrowseFilters, item_browse

    ids = list(project.items.order_by("id").values_list("id", flat=True)[:: max(n_items // 10, 1)])
    deep = ids[-1]  # ~90% of the way in
    client = Client()
    client.force_login(lead)
    page_url = f"/projects/{project.pk}/data/"
    cases = [
        ("first page, no filter", {}),
        ("deep page, no filter", {"after": deep}),
        ("deep page backwards, no filter", {"before": deep}),
        ("first page, status=complete", {"status": "complete"}),
        ("deep page, status=complete", {"status": "complete", "after": deep}),
        ("first page, label=positive", {"label": "positive"}),
        ("deep page, label=positive", {"label": "positive", "after": deep}),
        ("deep page, agreement 0.2-0.4", {"agreement_min": "0.2", "agreement_max": "0.4", "after": deep}),
        ("deep page, flag=low_agreement", {"flag": "low_agreement", "after": deep}),
        ("first page, text search 'number 99'", {"q": "number 99"}),
        ("deep page, text search 'number 99'", {"q": "number 99", "after": deep}),
        ("text search, term found nowhere", {"q": "no such words"}),
    ]
    print(f"machine load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"\nitems browser, {n_items:,} items, median of {RUNS} requests (whole page):")
    for label, params in cases:
        wall, cpu = _time(lambda params=params: client.get(page_url, params), check=True)
        print(
            f"  {label:<40} {statistics.median(wall):7.1f} ms  (p90 {_p90(wall):6.1f}; "
            f"Django CPU {statistics.median(cpu):5.1f})"
        )
    print("\nselector alone (item_browse, 50 rows):")
    for label, filters, after in [
        ("first page", BrowseFilters(), None),
        ("deep page", BrowseFilters(), deep),
        ("deep page, status=complete", BrowseFilters(status="complete"), deep),
    ]:
        wall, _ = _time(lambda f=filters, a=after: item_browse(lead, project.pk, f, after_id=a))
        print(f"  {label:<40} {statistics.median(wall):7.1f} ms")
    _sorted_report(project, lead, n_items, client, page_url)


SORTS = ("external_id", "-external_id", "labels", "-labels", "agreement", "-agreement")


def _sorted_report(project, lead, n_items: int, client, page_url: str) -> None:
    """Column sorts: first and deep page (cursor ~90% in), and the indexes their queries use."""
    import re

    from django.db import connection
    from django.db.models import F
    from django.test.utils import CaptureQueriesContext

    from labeling.browse import BrowseFilters, item_browse
    from labeling.browse_sort import encode_cursor, parse_sort

    print("\nsorted pages (whole page; indexes from EXPLAIN of the selector's queries):")
    for sort in SORTS:
        key = parse_sort(sort)
        column = F(key.field)
        order = column.desc(nulls_last=True) if key.descending else column.asc(nulls_last=True)
        tie = "-id" if key.descending else "id"
        deep_item = project.items.order_by(order, tie)[int(n_items * 0.9)]
        cursor = encode_cursor(key, deep_item)
        for label, params in [("first", {}), ("deep", {"after": cursor}), ("deep back", {"before": cursor})]:
            wall, _ = _time(lambda p={**params, "sort": sort}: client.get(page_url, p), check=True)
            with CaptureQueriesContext(connection) as queries:
                item_browse(lead, project.pk, BrowseFilters(), sort=sort, after_id=params.get("after"),
                            before_id=params.get("before"))
            used = set()
            with connection.cursor() as db:
                for query in queries.captured_queries:
                    if "labeling_item" in query["sql"] and "ORDER BY" in query["sql"]:
                        db.execute("EXPLAIN " + query["sql"])
                        plan = " ".join(row[0] for row in db.fetchall())
                        used |= set(re.findall(r"(?:Index|Index Only) Scan(?: Backward)? using (\w+)", plan))
                        used |= {"SEQ SCAN"} if "Seq Scan on labeling_item" in plan else set()
                        used |= {"SORT"} if re.search(r"\bSort\b", plan) else set()
            print(f"  sort={sort:<13} {label:<10} {statistics.median(wall):7.1f} ms  {sorted(used)}")


def _time(call, check: bool = False) -> tuple[list[float], list[float]]:
    """Wall-clock and this process's CPU milliseconds per call (CPU time is the figure that
    survives a shared, loaded machine; the database's own work is in the wall time only)."""
    call()  # warm-up
    wall, cpu = [], []
    for _ in range(RUNS):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = call()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        if check and result.status_code != 200:
            sys.exit(f"page answered {result.status_code}")
    return wall, cpu


def _p90(values: list[float]) -> float:
    return sorted(values)[int(len(values) * 0.9) - 1]


if __name__ == "__main__":
    main()
