"""Assignment benchmark: 50 annotators looping next -> submit against gunicorn on PostgreSQL.

Seeds a project (100,000 items, overlap 3, 50 annotators with tokens), starts
`gunicorn config.wsgi` on a free loopback port, runs one thread per annotator for
`--duration` seconds (each keeps one HTTP connection), then prints requests/s, submits/s,
p50/p95 of next and submit, and the invariant check: no item over its overlap, nobody twice
on an item, every 2xx submit stored. Exit status 1 on any invariant break.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_assign \\
    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/assign_bench.py --duration 60
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
LABELS = ["positive", "negative", "neutral"]
SCHEMA = {"kind": "single", "data": "text", "labels": [{"value": v} for v in LABELS]}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument("--overlap", type=int, default=3)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gthread threads per worker")
    parser.add_argument("--clean", action="store_true", help="delete earlier bench projects first")
    return parser.parse_args()


def seed(args: argparse.Namespace) -> tuple[int, list[str]]:
    """A fresh project with items and annotators; returns (project id, tokens)."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from labeling.models import Item, Membership, Project

    if args.clean:
        Project.objects.filter(name__startswith="assign-bench").delete()
    project = Project.objects.create(
        name=f"assign-bench {int(time.time())}", schema=SCHEMA, overlap=args.overlap
    )
    batch = 5_000
    for start in range(0, args.items, batch):
        Item.objects.bulk_create(
            Item(project=project, external_id=f"b{n}", data={"text": f"Bench item {n}."})
            for n in range(start, min(start + batch, args.items))
        )
    users = get_user_model()
    tokens = []
    for n in range(args.annotators):
        user, _ = users.objects.get_or_create(username=f"bench-annotator-{n}")
        Membership.objects.create(project=project, user=user)  # one project per run
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    return project.pk, tokens


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(args: argparse.Namespace, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
    }
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi", "-b", f"127.0.0.1:{port}",
        "-w", str(args.workers), "-k", "gthread", "--threads", str(args.threads),
        "--keep-alive", "30", "--log-level", "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


class Annotator(threading.Thread):
    """Loop next -> submit until the deadline, timing each request."""

    def __init__(self, port: int, token: str, project_id: int, deadline: float) -> None:
        super().__init__(daemon=True)
        self.port, self.project_id, self.deadline = port, project_id, deadline
        self.headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        self.next_ms: list[float] = []
        self.submit_ms: list[float] = []
        self.stored: list[int] = []  # assignment ids whose submit answered 2xx
        self.errors: list[str] = []
        self.rng = random.Random(token)

    def call(self, conn: http.client.HTTPConnection, path: str, body: dict | None, sink: list[float]) -> tuple[int, dict]:
        started = time.perf_counter()
        conn.request("POST", path, body=json.dumps(body or {}), headers=self.headers)
        response = conn.getresponse()
        raw = response.read()
        sink.append((time.perf_counter() - started) * 1000)
        return response.status, (json.loads(raw) if raw else {})

    def run(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while time.monotonic() < self.deadline:
            status, body = self.call(conn, f"/api/projects/{self.project_id}/next", None, self.next_ms)
            if status == 204:
                return
            if status != 200:
                self.errors.append(f"next {status}")
                continue
            assignment = body["assignment"]["id"]
            value = {"label": self.rng.choice(LABELS)}
            payload = {"value": value, "lead_time_ms": self.rng.randint(500, 9000)}
            status, _ = self.call(conn, f"/api/assignments/{assignment}/submit", payload, self.submit_ms)
            if 200 <= status < 300:
                self.stored.append(assignment)
            else:
                self.errors.append(f"submit {status}")


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def invariants(project_id: int, overlap: int, stored: list[int]) -> dict[str, int]:
    """Counts of broken invariants (all zero when the engine is right)."""
    from django.db.models import Count

    from labeling.models import Annotation, Assignment, AssignmentStatus

    per_item = Annotation.objects.filter(project_id=project_id).values("item_id").annotate(n=Count("id"))
    live = Assignment.objects.filter(project_id=project_id, status=AssignmentStatus.ACTIVE)
    live_per_item = dict(live.values("item_id").annotate(n=Count("id")).values_list("item_id", "n"))
    over = sum(1 for row in per_item if row["n"] + live_per_item.get(row["item_id"], 0) > overlap)
    over += sum(1 for n in live_per_item.values() if n > overlap)
    twice = (
        Assignment.objects.filter(project_id=project_id, status=AssignmentStatus.SUBMITTED)
        .values("item_id", "annotator_id").annotate(n=Count("id")).filter(n__gt=1).count()
    )
    found = Annotation.objects.filter(assignment_id__in=stored).count()
    return {"items_over_overlap": over, "annotator_twice_on_item": twice, "submits_not_stored": len(stored) - found}


def report(annotators: list[Annotator], seconds: float, breaks: dict[str, int]) -> None:
    next_ms = [ms for a in annotators for ms in a.next_ms]
    submit_ms = [ms for a in annotators for ms in a.submit_ms]
    stored = sum(len(a.stored) for a in annotators)
    errors = [e for a in annotators for e in a.errors]
    print(f"annotators {len(annotators)}, {seconds:.1f} s of load")
    print(f"requests/s {(len(next_ms) + len(submit_ms)) / seconds:.1f}")
    print(f"submits/s {stored / seconds:.1f} ({stored} stored)")
    print(f"next   p50 {percentile(next_ms, 0.5):.1f} ms  p95 {percentile(next_ms, 0.95):.1f} ms  (n={len(next_ms)})")
    print(f"submit p50 {percentile(submit_ms, 0.5):.1f} ms  p95 {percentile(submit_ms, 0.95):.1f} ms  (n={len(submit_ms)})")
    print(f"mean next {statistics.fmean(next_ms) if next_ms else float('nan'):.1f} ms; non-2xx: {len(errors)} {sorted(set(errors))[:5]}")
    print("invariants: " + ", ".join(f"{k} {v}" for k, v in breaks.items()))


def main() -> int:
    args = arguments()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    project_id, tokens = seed(args)
    print(f"seeded {args.items} items, {args.annotators} annotators in {time.monotonic() - started:.1f} s")
    port = free_port()
    server = start_server(args, port)
    try:
        deadline = time.monotonic() + args.duration
        annotators = [Annotator(port, token, project_id, deadline) for token in tokens]
        began = time.monotonic()
        for annotator in annotators:
            annotator.start()
        for annotator in annotators:
            annotator.join(args.duration + 60)
        seconds = time.monotonic() - began
    finally:
        server.terminate()
        server.wait(20)
    breaks = invariants(project_id, args.overlap, [pk for a in annotators for pk in a.stored])
    report(annotators, seconds, breaks)
    return 1 if any(breaks.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
