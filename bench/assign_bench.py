"""Assignment benchmark: 50 annotators looping next -> submit against gunicorn on PostgreSQL.

Seeds a project (100,000 items, overlap 3, 50 annotators with tokens), starts
`gunicorn config.wsgi` on a free loopback port, runs the annotators as coroutines on one event
loop (each keeps one HTTP connection) for a warm-up and then `--duration` seconds, and prints
requests/s, submits/s, p50/p95 of next and submit, and the invariant check: no item over its
overlap, nobody twice on an item, every 2xx submit stored. Exit status 1 on any invariant break.

Two ways to load the server:
- flat out (default): every annotator starts its next cycle the moment the last one ends. This
  measures capacity (submits/s). Latency then is queueing by construction: with N annotators
  and X requests/s, Little's law gives a mean latency of N / X however fast each request is.
- paced (`--rate R`): together the annotators offer R submits/s, each on a fixed schedule (a
  person reads, then clicks). Next latency is counted from the scheduled start, so a server that
  falls behind is charged for the wait. This measures latency at a given load.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord_assign \
    REDIS_URL=redis://127.0.0.1:6379/4 .venv/bin/python bench/assign_bench.py --duration 60
    ... bench/assign_bench.py --duration 60 --reuse --rate 200
"""

from __future__ import annotations

import argparse
import asyncio
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
WARM_UP_S = 5.0  # load before the measured window: each server process's first requests import code
ANALYZE_EVERY_S = 5.0  # statistics refresh during the load (see analyze_every)
SCHEMA = {"kind": "single", "data": "text", "labels": [{"value": v} for v in LABELS]}


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
    parser.add_argument(
        "--warm-up", type=float, default=WARM_UP_S, help="seconds of load before the measured window"
    )
    parser.add_argument("--overlap", type=int, default=3)
    parser.add_argument(
        "--rate", type=float, default=0.0,
        help="paced load: submits/s offered by all annotators together (0: each loops flat out)",
    )
    # Threads keep requests in flight while others wait on PostgreSQL (a submit waits for its WAL
    # flush); processes spread the Python work past one GIL. On 2 cores 8 x 4 did best of the
    # layouts tried (sync; gthread with 2-16 workers and 1-16 threads).
    parser.add_argument("--worker-class", default="gthread", help="gunicorn worker class (sync, gthread)")
    parser.add_argument("--workers", type=int, default=8, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument("--clean", action="store_true", help="delete earlier bench projects first")
    parser.add_argument("--reuse", action="store_true", help="run on the latest bench project (no seeding)")
    return parser.parse_args()


def seed(args: argparse.Namespace) -> tuple[int, list[str]]:
    """A fresh project with items and annotators; returns (project id, tokens)."""
    from django.contrib.auth import get_user_model

    from labeling.models import Item, Membership, Project
    from labeling.services.tokens import api_token_create

    def key_for(user) -> str:  # a fresh named token per run: keys are not stored in clear
        return api_token_create(user=user, name="assign-bench")[1]

    if args.reuse:
        project = Project.objects.filter(name__startswith="assign-bench").order_by("-id").first()
        if project is not None:
            members = project.memberships.select_related("user").order_by("id")[: args.annotators]
            return project.pk, [key_for(m.user) for m in members]
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
        # Active: an import (import_bench) creates users of the same name inactive.
        user, _ = users.objects.update_or_create(
            username=f"bench-annotator-{n}", defaults={"is_active": True}
        )
        Membership.objects.create(project=project, user=user)  # one project per run
        tokens.append(key_for(user))
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
        # This interpreter's gunicorn: the bench runs from any virtualenv, not only ./.venv.
        sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}",
        "-w", str(args.workers), "-k", args.worker_class, "--threads", str(args.threads),
        "--keep-alive", "30", "--log-level", "warning", "--preload",
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


class Annotator:
    """One simulated annotator: loop next -> submit until the deadline, timing each request.

    A coroutine on one keep-alive connection with a minimal HTTP/1.1 client: the 50 annotators
    share one event loop, so the load generator costs little CPU next to the server it
    measures (50 threads with http.client took half a core of the two here). With `interval`
    the annotator starts a cycle every `interval` seconds (a fixed schedule, as people who
    read before they click); latency is counted from the scheduled start, so a server that
    falls behind is charged for the wait.
    """

    def __init__(
        self, port: int, token: str, project_id: int, window: tuple[float, float], interval: float
    ) -> None:
        self.port, self.project_id, self.interval = port, project_id, interval
        self.measure_from, self.deadline = window  # cycles before measure_from warm the server up
        self.token = token
        self.next_ms: list[float] = []
        self.submit_ms: list[float] = []
        self.stored: list[int] = []  # assignment ids whose submit answered 2xx
        self.counted = 0  # of those, submits in the measured window
        self.errors: list[str] = []
        self.rng = random.Random(token)
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def call(self, path: str, body: dict | None) -> tuple[int, dict]:
        if self.streams is None:  # first call, or the server closed the last connection
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        payload = json.dumps(body or {}).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Token {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        writer.write(head.encode() + payload)
        status_line = await reader.readline()
        length, close = 0, False
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"connection" and value.strip().lower() == b"close":
                close = True
        raw = await reader.readexactly(length) if length else b""
        if close:  # gunicorn's sync workers answer one request per connection
            writer.close()
            self.streams = None
        return int(status_line.split()[1]), (json.loads(raw) if raw else {})

    async def run(self) -> None:
        """Warm up until `measure_from`, then run the measured window on a fresh schedule."""
        if await self.cycles(time.monotonic(), until=self.measure_from, counted=False):
            await self.cycles(max(time.monotonic(), self.measure_from), until=self.deadline, counted=True)
        if self.streams is not None:
            self.streams[1].close()

    async def cycles(self, start: float, *, until: float, counted: bool) -> bool:
        """Loop next -> submit from `start` until `until`; False once the project is done.

        Paced annotators spread their first cycle over one interval so they do not march in
        step; each window starts its own schedule, so a backlog left by the warm-up (server
        processes importing code) is not charged to the measured requests.
        """
        scheduled = start + self.rng.random() * self.interval
        while True:
            now = time.monotonic()
            if scheduled > now:
                await asyncio.sleep(scheduled - now)
            else:
                scheduled = now if not self.interval else scheduled
            if scheduled >= until:
                return True
            status, body = await self.call(f"/api/projects/{self.project_id}/next", None)
            if counted:
                self.next_ms.append((time.monotonic() - scheduled) * 1000)
            if status == 204:
                return False
            if status != 200:
                self.errors.append(f"next {status}")
                scheduled += self.interval
                continue
            assignment = body["assignment"]["id"]
            value = {"label": self.rng.choice(LABELS)}
            payload = {"value": value, "lead_time_ms": self.rng.randint(500, 9000)}
            began = time.monotonic()
            status, _ = await self.call(f"/api/assignments/{assignment}/submit", payload)
            if counted:
                self.submit_ms.append((time.monotonic() - began) * 1000)
            if 200 <= status < 300:
                self.stored.append(assignment)
                self.counted += counted
            else:
                self.errors.append(f"submit {status}")
            scheduled += self.interval


async def load(annotators: list[Annotator]) -> None:
    await asyncio.gather(*(annotator.run() for annotator in annotators))


def analyze_every(seconds: float, stop: threading.Event) -> None:
    """ANALYZE the tables the claim reads while the load runs, as autovacuum would.

    Autovacuum is off on some bench machines. Without it the planner keeps the statistics of the
    seeding, when no annotation or lease existed, and plans each per-item count as a scan of a
    table it believes empty; by the end of the window those tables hold thousands of rows.
    """
    from django.db import connection

    try:
        while not stop.wait(seconds):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE labeling_item, labeling_assignment, labeling_annotation")
    finally:
        connection.close()


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


def report(annotators: list[Annotator], seconds: float, breaks: dict[str, int], rate: float) -> None:
    next_ms = [ms for a in annotators for ms in a.next_ms]
    submit_ms = [ms for a in annotators for ms in a.submit_ms]
    stored = sum(a.counted for a in annotators)
    errors = [e for a in annotators for e in a.errors]
    mode = f"paced at {rate:g} submits/s offered" if rate else "flat out (no pause between cycles)"
    print(f"annotators {len(annotators)}, {mode}, {seconds:.1f} s of load")
    print(f"requests/s {(len(next_ms) + len(submit_ms)) / seconds:.1f}")
    print(f"submits/s {stored / seconds:.1f} ({stored} stored)")
    print(f"next   p50 {percentile(next_ms, 0.5):.1f} ms  p95 {percentile(next_ms, 0.95):.1f} ms  (n={len(next_ms)})")
    print(f"submit p50 {percentile(submit_ms, 0.5):.1f} ms  p95 {percentile(submit_ms, 0.95):.1f} ms  (n={len(submit_ms)})")
    print(f"mean next {statistics.fmean(next_ms) if next_ms else float('nan'):.1f} ms; non-2xx: {len(errors)} {sorted(set(errors))[:5]}")
    print("invariants: " + ", ".join(f"{k} {v}" for k, v in breaks.items()))


def server_stop(server: subprocess.Popen[bytes]) -> None:
    """Stop gunicorn; on a loaded machine it may not finish within 20 s, and the figures matter more."""
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main() -> int:
    args = arguments()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database")
    import django
    from django.core.management import call_command
    from django.db import DatabaseError, connection

    django.setup()
    call_command("migrate", verbosity=0)
    started = time.monotonic()
    project_id, tokens = seed(args)
    with connection.cursor() as cursor:  # what autovacuum would have done (it is off on some machines)
        cursor.execute("VACUUM (ANALYZE) labeling_item, labeling_assignment, labeling_annotation")
        try:
            # Flush the seeding's dirty pages now: a checkpoint that falls in the measured window
            # makes every page's first change after it log a full page image.
            cursor.execute("CHECKPOINT")
        except DatabaseError as error:
            print(f"no CHECKPOINT ({error.__class__.__name__}): the seeding's checkpoint may fall in the window")
    print(f"seeded {args.items} items, {args.annotators} annotators in {time.monotonic() - started:.1f} s")
    port = free_port()
    server = start_server(args, port)
    try:
        measure_from = time.monotonic() + args.warm_up
        window = (measure_from, measure_from + args.duration)
        interval = len(tokens) / args.rate if args.rate else 0.0
        annotators = [Annotator(port, token, project_id, window, interval) for token in tokens]
        stop = threading.Event()
        analyzer = threading.Thread(target=analyze_every, args=(ANALYZE_EVERY_S, stop), daemon=True)
        analyzer.start()
        try:
            asyncio.run(load(annotators))
        finally:
            stop.set()
            analyzer.join()
        seconds = args.duration  # cycles scheduled inside the window are counted
    finally:
        server_stop(server)
    breaks = invariants(project_id, args.overlap, [pk for a in annotators for pk in a.stored])
    report(annotators, seconds, breaks, args.rate)
    return 1 if any(breaks.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
