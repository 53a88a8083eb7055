"""Every script in bench/ still runs: once each at a tiny size, in a subprocess (issue #20).

No timing is asserted: a bench passes when it exits 0 and prints its figures. The PostgreSQL
benches run against a database of their own next to the suite's (`<name>_bench_smoke`, made
fresh for the session and dropped after it), so their seeding never meets the test database.
They need PostgreSQL (and the pre-label bench Redis): they skip on a developer machine on
SQLite and fail in CI, where both must exist.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import require_service

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
DATASETS = ROOT.parent / "shared" / "datasets"  # the gold crowd data (CI provides ../shared)
HELPERS = {"pg_setup.py", "quality_datasets.py", "quality_eval.py", "quality_sim_db.py", "quality_sim_escalation.py", "quality_sim_model.py", "scale_build.py", "scale_paced.py"}  # imported by benches
TIMEOUT_S = 240
# scale_bench runs 4 phases per size, each a process that sets Django up, and the paced one
# starts gunicorn: about 3 minutes for two sizes on a loaded 2-core machine.
TIMEOUTS_S = {"scale": 480}
REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"

# name -> (arguments for a tiny run, a line it must print, services it needs)
RUNS: dict[str, tuple[list[str], str, set[str]]] = {
    "agreement": (["bench/agreement_bench.py", "--items", "200"], r"ratio ours / package: \d", set()),
    "agreement-postgres": (
        ["bench/agreement_bench.py", "--items", "200", "--postgres"],
        r"DB read \+ full report \(project_report\) +\d",
        {"postgres"},
    ),
    "import": (["bench/import_bench.py", "300"], r"export: 300 items .* items/s", {"postgres"}),
    "browse": (["bench/browse_bench.py", "300", "--runs", "2"], r"first page +\d", {"postgres"}),
    "review_queue": (
        ["bench/review_queue_bench.py", "300", "--runs", "2"],
        r"first page, no filter +\d",
        {"postgres"},
    ),
    "assign": (
        ["bench/assign_bench.py", "--items", "300", "--annotators", "3", "--duration", "2",
         "--warm-up", "1", "--workers", "1", "--threads", "2", "--clean"],
        r"submits/s [\d.]+ \([1-9]\d* stored\)",
        {"postgres"},
    ),
    "report": (
        ["bench/report_bench.py", "--items", "300", "--sample", "50", "--runs", "2", "--full"],
        r'"report_s": [\d.]+, "sample": \{"items": \d+, "of": 200',
        {"postgres"},
    ),
    "token_auth": (["bench/token_auth_bench.py", "--calls", "50"], r"us per token check", set()),
    "webhooks": (
        ["bench/webhooks_bench.py", "--submits", "20", "--calls", "50"],
        r"announcement = [\d.]+% of a submit",
        set(),
    ),
    "scale": (
        ["bench/scale_bench.py", "--sizes", "150,300", "--runs", "2", "--one-database",
         "--paced-annotators", "3", "--paced-rate", "6", "--paced-seconds", "2"],
        r"(?s)\| 3 paced annotators \(HTTP\), 6 submits/s offered: achieved \| submits/s \| [\d.]+ \| [\d.]+ \|"
        r".*\| 3 paced annotators: submit p50 / p95 \| ms \| [\d.]+ / [\d.]+ \| [\d.]+ / [\d.]+ \|"
        r".*\| items API, deep page p50 / p95 \| ms \| [\d.]+ / [\d.]+ \| [\d.]+ / [\d.]+ \| [\d.]+ \|"
        r".*\| incremental headline after a submit p50 / p95 \| ms \| [\d.]+ / [\d.]+ \|",
        {"postgres"},
    ),
    "quality_gold": (["bench/quality_gold.py", "--seeds", "1"], r"ECE", {"datasets"}),
    "quality_rank": (
        ["bench/quality_rank.py", "--items", "200"],
        r"p_wrong [\d.]+  competence-weighted [\d.]+  vote share [\d.]+",
        {"datasets"},
    ),
    "quality_sim": (
        ["bench/quality_sim.py", "--items", "100", "--seeds", "1", "--through-db"],
        r"(?s)read back unchanged.*k-fold model: cv accuracy.*removed/100 extra",
        set(),
    ),
    "spans_boxes": (
        ["bench/spans_boxes_bench.py", "--items", "300", "--repeat", "1"],
        r"spans \+ boxes: [\d.]+ s",
        set(),
    ),
    "region_refresh": (
        ["bench/region_refresh_bench.py", "--items", "200"],
        r"boxes: refresh \(project run \+ flags\) [\d.]+ s for 200 items",
        set(),
    ),
    "spans_boxes_db": (
        ["bench/spans_boxes_db_bench.py", "--items", "300", "--repeat", "1"],
        r"spans \+ boxes from the database: [\d.]+ s",
        {"postgres"},
    ),
    "export_formats": (
        ["bench/export_formats_bench.py", "300"],
        r"yolo: 300 items .* items/s; peak Python memory [\d.]+ MB",
        {"postgres"},
    ),
    "sqlite_contention": (  # always its own SQLite file, whatever DATABASE_URL says
        ["bench/sqlite_contention.py", "--items", "300", "--submits", "5", "--pause", "0.05"],
        r"alone +submits +5 +median +[\d.]+ ms(.|\n)*refresh took [\d.]+ s(.|\n)*during the refresh",
        set(),
    ),
    "prelabel": (
        ["bench/prelabel_bench.py", "--items", "300", "--workers", "1"],
        r"1 worker\(s\): 300 items in [\d.]+ s .*\(300 predictions, done\)",
        {"postgres", "redis"},
    ),
}


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _redis_available() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def _drop_database(server_url: str, name: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(server_url)._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    connection.close()


@pytest.fixture(scope="session")
def bench_database_url() -> Iterator[str | None]:
    """A fresh PostgreSQL database for the benches (None on SQLite); dropped afterwards."""
    url = _postgres_url()
    if url is None:
        yield None
        return
    parts = urlsplit(url)
    name = f"{parts.path.lstrip('/')}_bench_smoke"
    _drop_database(url, name)  # a leftover from an interrupted run may predate a migration
    yield urlunsplit(parts._replace(path=f"/{name}"))
    _drop_database(url, name)


def test_every_bench_script_has_a_smoke_run():
    scripts = {path.name for path in BENCH.glob("*.py")} - HELPERS
    covered = {arguments[0].removeprefix("bench/") for arguments, _, _ in RUNS.values()}
    assert scripts == covered


@pytest.mark.parametrize("name", sorted(RUNS))
def test_bench_runs_at_a_tiny_size_and_prints_its_figures(name, bench_database_url):
    arguments, figure, needs = RUNS[name]
    if "postgres" in needs:
        require_service(bench_database_url is not None, "needs PostgreSQL (DATABASE_URL)")
    if "datasets" in needs:
        require_service(DATASETS.is_dir(), f"needs the shared datasets at {DATASETS}")
    if "redis" in needs:
        require_service(_redis_available(), f"needs Redis at {REDIS_URL}")
    env = {**os.environ, "REDIS_URL": REDIS_URL, "CELERY_TASK_ALWAYS_EAGER": "0"}
    if bench_database_url is not None:
        env["DATABASE_URL"] = bench_database_url
    done = subprocess.run(  # noqa: S603 - our own scripts, fixed arguments
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=TIMEOUTS_S.get(name, TIMEOUT_S), check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert re.search(figure, done.stdout), done.stdout[-2000:]


def test_agreement_bench_copy_leaves_database_default_columns_to_the_database():
    """The --postgres crash: COPY wrote a DatabaseDefault's repr into labeling_item.aggregate_method."""
    from labeling.models import Item

    spec = importlib.util.spec_from_file_location("agreement_bench", BENCH / "agreement_bench.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    template = Item(project_id=1, external_id="", data={})

    columns = [f.column for f in bench.copied_fields(Item, template, {"external_id": []})]
    chosen = [f.column for f in bench.copied_fields(Item, template, {"aggregate_method": []})]

    assert "aggregate_method" not in columns
    assert {"project_id", "external_id", "data"} <= set(columns)
    assert "aggregate_method" in chosen
