"""Agreement report at scale (issue 20): rebuild of the statistics, project_report, per-submit update.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_scale_1000000 \\
        .venv/bin/python bench/report_bench.py --items 1000000 [--runs 20] [--full] [--sample N]

The project is scale_bench's `scale-<items>` (built through bench/scale_build.py when missing or
short, restartable); --sample sets ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS for this run.

Prints one JSON line: counts_build_s (project_counts_rebuild), report_s (project_report, at-scale
path when the statistics are built and the project is above AGREEMENT_REPORT_SAMPLE_ITEMS),
full_report_s with --full (the full recompute), and the per-submit update item_counts_refresh
p50/p95 in ms, measured by changing one annotation of a labeled item back and forth.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")
os.environ.setdefault("SECRET_KEY", "report-bench-only-not-a-real-secret-key")


def _seconds(call) -> float:  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1_000_000, help="project scale-<items>")
    parser.add_argument("--sample", type=int, help="ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--full", action="store_true", help="also time the full recompute")
    parser.add_argument("--no-rebuild", action="store_true")
    args = parser.parse_args()
    if args.sample:
        os.environ["ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS"] = str(args.sample)
    from pg_setup import django_on_postgres

    django_on_postgres()
    from scale_build import build, project_ready

    from labeling.models import Annotation
    from review.services import agreement as agreement_service
    from review.services.agreement_counts import item_counts_refresh, project_counts_rebuild

    project = project_ready(f"scale-{args.items}")
    if project.items.count() < args.items:
        build(project, args.items)
    found: dict[str, object] = {}
    if not args.no_rebuild:
        found["counts_build_s"] = round(_seconds(lambda: project_counts_rebuild(project_id=project.pk)), 2)
    report: dict[str, object] = {}

    def _report() -> None:
        report.update(agreement_service.project_report(project=project)[0])

    found["report_s"] = round(_seconds(_report), 2)
    found["sample"] = report.get("sample")
    if args.full:
        found["full_report_s"] = round(
            _seconds(lambda: agreement_service.project_report_full(project=project)), 2
        )
    labels = [label["value"] for label in project.schema["labels"]]
    rows = list(
        Annotation.objects.filter(project=project).order_by("item_id").values_list("pk", "item_id", "value")[
            : args.runs + 1
        ]
    )
    times = []
    for pk, item_id, value in rows:
        other = next(label for label in labels if label != value.get("label"))
        for new in ({"label": other}, value):
            Annotation.objects.filter(pk=pk).update(value=new)
            times.append(_seconds(lambda item_id=item_id: item_counts_refresh(item_id=item_id, project=project)) * 1000)
    times = times[2:]
    found["refresh_ms_p50"] = round(statistics.median(times), 2)
    found["refresh_ms_p95"] = round(sorted(times)[int(len(times) * 0.95) - 1], 2)
    print(json.dumps(found))


if __name__ == "__main__":
    main()
