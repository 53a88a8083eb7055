"""Scale bench: does the cost of each action stay flat as a project grows? (issue 20)

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_scale \\
        .venv/bin/python bench/scale_bench.py --sizes 10000,100000 [--runs 20]

For each size N it builds (or reuses) a project of N items in a database of its own,
`<DATABASE_URL's name>_scale_<N>` (`--one-database`: projects `scale-<N>` side by side in
DATABASE_URL's database), through the real import path (bench/scale_build.py: restartable,
chunk by chunk). Then, each phase in a process of its own (so peak memory is per phase):
import items/s and peak RSS; next and submit p50/p95 (one annotator, Django's test client,
the JSON API); the same under load: 50 annotators over HTTP to gunicorn, together offering
100 submits/s (bench/scale_paced.py; --paced-* to change); items browser first, deep and filtered page; items API first and deep page;
review queue page; dashboard page (and the background count behind it); the full agreement
report; the agreement counts (built once, then the incremental headline after each submit:
the submit task's counts update plus the headline read); export items/s and peak RSS; database size per million items. It prints one table,
with a ratio largest/smallest size when given several. Each phase's figures are saved under
var/; `--saved` prints them again instead of measuring (a size measured earlier beside a new one).
Every phase runs in production's layout: Redis as the cache (REDIS_URL, default its database 13
on loopback when one answers; else the file cache, and the first line says which).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DEBUG", "false")  # compiled templates are cached, as in production
os.environ.setdefault("SECRET_KEY", "scale-bench-only-not-a-real-secret-key")

RESULT = "RESULT "
REDIS_DEFAULT = "redis://127.0.0.1:6379/13"  # the bench's own Redis database
PHASES = ("build", "measure", "paced", "export")
SAVED = Path(__file__).resolve().parents[1] / "var"  # each phase's last figures, for --saved
ROWS = [  # (key, label, unit)
    ("import_items_per_s", "import", "items/s"),
    ("import_peak_mb", "import peak RSS (importer + parser)", "MB"),
    ("next", "next p50 / p95", "ms"),
    ("submit", "submit p50 / p95", "ms"),
    ("paced_submits_per_s", "{annotators} paced annotators (HTTP), {rate:g} submits/s offered: achieved", "submits/s"),
    ("paced_next", "{annotators} paced annotators: next p50 / p95", "ms"),
    ("paced_submit", "{annotators} paced annotators: submit p50 / p95", "ms"),
    ("browser_first", "items browser, first page p50 / p95", "ms"),
    ("browser_deep", "items browser, deep page p50 / p95", "ms"),
    ("browser_filtered", "items browser, deep page status=complete", "ms"),
    ("api_first", "items API, first page p50 / p95", "ms"),
    ("api_deep", "items API, deep page p50 / p95", "ms"),
    ("review_queue", "review queue page p50 / p95", "ms"),
    ("dashboard", "dashboard page p50 / p95", "ms"),
    ("dashboard_count_s", "dashboard background count", "s"),
    ("agreement_s", "agreement report (project_report)", "s"),
    ("counts_build_s", "agreement counts, one-time build from every annotation", "s"),
    ("headline_after_submit", "incremental headline after a submit p50 / p95", "ms"),
    ("headline_read", "headline from the counts (dashboard read) p50 / p95", "ms"),
    ("export_items_per_s", "export", "items/s"),
    ("export_peak_mb", "export peak RSS", "MB"),
    ("db_mb_per_million", "database size per 1M items", "MB"),
]


def _setup() -> None:
    from pg_setup import django_on_postgres

    django_on_postgres()


def _project(items: int) -> Any:
    from scale_build import project_ready

    return project_ready(f"scale-{items}")


def phase_build(items: int) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection
    from scale_build import build

    stored = Path(settings.VAR_DIR) / f"scale_bench_{connection.settings_dict['NAME']}_{items}.json"
    figures = build(_project(items), items)
    if not figures["imported"]:
        print(f"  reused the {items:,} items already imported; import figures of the run that built them")
        return json.loads(stored.read_text()) if stored.exists() else {}
    found = {**figures, "import_peak_mb": f"{figures['import_peak_mb']:.0f} + {figures['parse_peak_mb']:.0f}"}
    stored.parent.mkdir(parents=True, exist_ok=True)
    stored.write_text(json.dumps(found))
    return found


def phase_measure(items: int, runs: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client

    from frontend.views.lead.figures_cache import figures_refresh
    from labeling import events
    from review.services import project_report
    from review.services.agreement_counts import project_counts_rebuild

    events.enqueue = lambda name, args, **options: None  # no worker is measured
    project = _project(items)
    lead, annotator = Client(), Client()
    lead.force_login(project.memberships.get(user__username="scale-lead").user)
    annotator.force_login(project.memberships.get(user__username="scale-annotator").user)
    ids = project.items.order_by("id").values_list("id", flat=True)
    deep = ids[int(items * 0.9)]
    cursor = base64.b64encode(f"p={deep}".encode()).decode()
    base = f"/projects/{project.pk}"
    pages = {
        "browser_first": (lead, f"{base}/data/"),
        "browser_deep": (lead, f"{base}/data/?after={deep}"),
        "browser_filtered": (lead, f"{base}/data/?status=complete&after={deep}"),
        "api_first": (lead, f"/api/projects/{project.pk}/items"),
        "api_deep": (lead, f"/api/projects/{project.pk}/items?cursor={cursor}"),
        "review_queue": (lead, f"{base}/review/"),
        "dashboard": (lead, f"{base}/dashboard/"),
    }
    found: dict[str, Any] = {"next": [], "submit": []}
    found["counts_build_s"] = _seconds(lambda: project_counts_rebuild(project_id=project.pk))
    found["dashboard_count_s"] = _seconds(lambda: figures_refresh(project.pk))
    for _ in range(runs + 1):
        _cycle(annotator, project.pk, found)
    for key, (client, url) in pages.items():
        found[key] = _times(lambda client=client, url=url: _ok(client.get(url), url), runs)
    found["next"], found["submit"] = _spread(found["next"][1:]), _spread(found["submit"][1:])
    found["agreement_s"] = _seconds(lambda: project_report(project=project))
    found |= _headline_figures(project, annotator, runs)
    with connection.cursor() as cursor_:
        cursor_.execute("SELECT pg_database_size(current_database())")
        size = cursor_.fetchone()[0]
    total = project.items.model.objects.count()  # every project of the database
    found["db_mb_per_million"] = size / 1024**2 * 1_000_000 / max(total, 1)
    return found


def _cycle(client: Any, project_id: int, found: dict[str, Any]) -> int:
    """One next + submit; returns the assignment's id."""
    began = time.perf_counter()
    claimed = client.post(f"/api/projects/{project_id}/next", content_type="application/json")
    found["next"].append((time.perf_counter() - began) * 1000)
    if claimed.status_code != 200:
        sys.exit(f"next answered {claimed.status_code}")
    assignment = claimed.json()["assignment"]["id"]
    body = {"value": {"label": "positive"}, "lead_time_ms": 1200}
    began = time.perf_counter()
    _ok(client.post(f"/api/assignments/{assignment}/submit", body, content_type="application/json"), "submit")
    found["submit"].append((time.perf_counter() - began) * 1000)
    return assignment


def _headline_figures(project: Any, annotator: Any, runs: int) -> dict[str, Any]:
    """Per submit, the time of the task's counts update plus the headline read (counts built)."""
    from labeling.models import Assignment
    from review.selectors.agreement_counts import project_counts_figures
    from review.services.agreement_counts import item_counts_refresh

    found: dict[str, Any] = {"next": [], "submit": []}
    after: list[float] = []
    for _ in range(runs + 1):
        item_id = Assignment.objects.get(pk=_cycle(annotator, project.pk, found)).item_id
        after.append(_seconds(lambda item_id=item_id: (
            item_counts_refresh(item_id=item_id, project=project), project_counts_figures(project)
        )) * 1000)
    read = _times(lambda: project_counts_figures(project), runs)
    return {"headline_after_submit": _spread(after[1:]), "headline_read": read}


def phase_paced(items: int, args: argparse.Namespace) -> dict[str, Any]:
    from scale_paced import paced

    return paced(_project(items), annotators=args.paced_annotators, rate=args.paced_rate,
                 seconds=args.paced_seconds)


def phase_export(items: int) -> dict[str, Any]:
    from labeling.services.exports import export_stream

    project, chars = _project(items), 0
    began = time.perf_counter()
    for chunk in export_stream(project=project, fmt="jsonl"):
        chars += len(chunk)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"export_items_per_s": project.items.count() / seconds, "export_peak_mb": peak}


def _ok(response: Any, what: str) -> Any:
    if response.status_code != 200:
        sys.exit(f"{what} answered {response.status_code}")
    return response


def _seconds(call: Any) -> float:
    began = time.perf_counter()
    call()
    return time.perf_counter() - began


def _times(call: Any, runs: int) -> tuple[float, float]:
    call()  # warm-up
    return _spread([_seconds(call) * 1000 for _ in range(runs)])


def _spread(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def _child(phase: str, items: int, args: argparse.Namespace) -> dict[str, Any]:
    env = dict(os.environ)
    if not args.one_database:
        parts = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"{parts.path}_scale_{items}"))
    saved = SAVED / f"scale_bench_{urlsplit(env['DATABASE_URL']).path.strip('/')}_{items}_{phase}.json"
    if args.saved and saved.exists():
        print(f"  {phase}: figures saved by an earlier run ({saved})", flush=True)
        return json.loads(saved.read_text())
    command = [sys.executable, __file__, "--phase", phase, "--sizes", str(items), "--runs", str(args.runs),
               *(f"--paced-{key}={getattr(args, f'paced_{key}')}" for key in ("annotators", "rate", "seconds"))]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    sys.stderr.write(done.stderr[-3000:] if done.returncode else "")
    print(done.stdout.replace(RESULT, "  figures: ").rstrip(), flush=True)
    if done.returncode:
        sys.exit(f"phase {phase} at {items:,} items failed")
    found = json.loads(done.stdout.rsplit(RESULT, 1)[1])
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps(found))
    return found


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, (list, tuple)):
        return " / ".join(f"{v:.1f}" for v in value)
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def _ratio(first: Any, last: Any) -> str:
    if isinstance(first, (list, tuple)):
        first, last = first[0], last[0]
    if not isinstance(first, (int, float)) or not isinstance(last, (int, float)) or not first:
        return "-"
    return f"{last / first:.2f}"


def table(sizes: list[int], results: dict[int, dict[str, Any]], args: argparse.Namespace) -> str:
    head = ["measure", "unit", *(f"{n:,} items" for n in sizes)]
    if len(sizes) > 1:
        head.append(f"ratio {sizes[-1]:,} / {sizes[0]:,}")
    lines = [head, ["---"] * len(head)]
    for key, label, unit in ROWS:
        label = label.format(annotators=args.paced_annotators, rate=args.paced_rate)
        cells = [label, unit, *(_cell(results[n].get(key)) for n in sizes)]
        if len(sizes) > 1:
            cells.append(_ratio(results[sizes[0]].get(key), results[sizes[-1]].get(key)))
        lines.append(cells)
    return "\n".join("| " + " | ".join(row) + " |" for row in lines)


def _redis_cache() -> str:
    """Production's layout: Redis as the shared cache (API throttles, debounce keys) when
    REDIS_URL is unset and a Redis answers on loopback; else the embedded file cache."""
    if not os.environ.get("REDIS_URL"):
        try:
            socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        except OSError:
            return "file cache (no Redis on 127.0.0.1:6379)"
        os.environ["REDIS_URL"] = REDIS_DEFAULT
        os.environ.setdefault("CELERY_BROKER_URL", "memory://")  # no worker is measured
    return f"Redis cache ({os.environ['REDIS_URL']})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000", help="comma-separated item counts")
    parser.add_argument("--items", type=int, help="one size (same as --sizes N)")
    parser.add_argument("--runs", type=int, default=20, help="requests per page (p50/p95 of)")
    parser.add_argument("--paced-annotators", type=int, default=50, help="annotators of the paced row")
    parser.add_argument("--paced-rate", type=float, default=100.0, help="submits/s they offer together")
    parser.add_argument("--paced-seconds", type=float, default=25.0, help="measured seconds of paced load")
    parser.add_argument(
        "--saved", action="store_true", help="take a phase's figures from an earlier run when saved"
    )
    parser.add_argument("--one-database", action="store_true", help="every size in DATABASE_URL's database")
    parser.add_argument("--phase", choices=["build", "measure", "paced", "export"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [args.items] if args.items else [int(size) for size in args.sizes.split(",")]
    if args.phase:
        _setup()
        run = {"build": lambda n: phase_build(n), "measure": lambda n: phase_measure(n, args.runs),
               "paced": lambda n: phase_paced(n, args), "export": lambda n: phase_export(n)}[args.phase]
        print(RESULT + json.dumps(run(sizes[0])))
        return
    print(f"cache: {_redis_cache()}", flush=True)
    results = {}
    for items in sizes:
        print(f"{items:,} items (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs):", flush=True)
        results[items] = {k: v for phase in PHASES for k, v in _child(phase, items, args).items()}
    print()
    print(table(sizes, results, args))


if __name__ == "__main__":
    main()
