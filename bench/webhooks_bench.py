"""What webhooks cost a project that has none: an announcement given the Project row (no
query) or only its id (one primary-key read), and the share of an annotation submit (the
hottest write that announces) with the announcement on and off.

    .venv/bin/python bench/webhooks_bench.py [--submits 400] [--calls 3000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/accord .venv/bin/python bench/webhooks_bench.py

The script creates (PostgreSQL) and migrates the database, then adds a project
"bench-webhooks" (with 50 hooks on another project, so the index has rows to skip) and one
annotator. Submits run with the announcement on and off in alternating rounds; the review
app's drain is switched off in both, so nothing is sent to the broker.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
ROUNDS = 6


def _setup():  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from labeling.models import Membership, Project, Webhook

    schema = {"kind": "single", "data": "text", "labels": [{"value": "a"}, {"value": "b"}]}
    project = Project.objects.create(name=f"bench-webhooks {timezone.now():%H%M%S%f}", schema=schema)
    other = Project.objects.create(name=f"bench-webhooks-other {timezone.now():%H%M%S%f}", schema=schema)
    Webhook.objects.bulk_create(
        Webhook(project=other, url=f"https://example.org/{n}", secret="x" * 32, events=["annotation.created"])
        for n in range(50)
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-webhooks")
    Membership.objects.get_or_create(project=project, user=user, defaults={"role": "annotator"})
    return project, user


def _assignments(project, user, count: int) -> list[int]:  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from labeling.models import Assignment, Item

    start = Item.objects.filter(project=project).count()
    items = Item.objects.bulk_create(
        Item(project=project, external_id=f"w-{start + n}", data={"text": "t"}) for n in range(count)
    )
    expires = timezone.now() + timedelta(hours=1)
    made = Assignment.objects.bulk_create(
        Assignment(project=project, item=item, annotator=user, expires_at=expires) for item in items
    )
    return [assignment.pk for assignment in made]


def _submit_us(project, user, count: int) -> float:  # type: ignore[no-untyped-def]
    from labeling.services import annotation_submit

    ids = _assignments(project, user, count)
    start = time.perf_counter()
    for assignment_id in ids:
        annotation_submit(assignment_id=assignment_id, user=user, value={"label": "a"})
    return (time.perf_counter() - start) / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submits", type=int, default=400, help="per round")
    parser.add_argument("--calls", type=int, default=3000)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from pg_setup import database_create

        database_create(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.db import connection

    from labeling import announce, events
    from labeling.services import annotations

    events.drain_pending_on_commit = lambda project_id: None  # no broker traffic in either arm
    project, user = _setup()
    by_row, by_id = [], []
    for _ in range(ROUNDS):
        for target, times in ((project, by_row), (project.pk, by_id)):
            start = time.perf_counter()
            for _ in range(args.calls):
                announce.announce(project=target, event="annotation.created", data=dict)
            times.append((time.perf_counter() - start) / args.calls * 1e6)
    real = annotations.announce
    on, off = [], []
    for _ in range(ROUNDS):
        annotations.announce = real
        on.append(_submit_us(project, user, args.submits))
        annotations.announce = lambda **kwargs: None
        off.append(_submit_us(project, user, args.submits))
    annotations.announce = real
    row, pk, with_it, without = (statistics.median(x) for x in (by_row, by_id, on, off))
    print(
        f"{connection.vendor}: announcement without hooks {row:.1f} us given the project row, "
        f"{pk:.0f} us given its id (medians of {ROUNDS} rounds)"
    )
    print(
        f"submit {with_it:.0f} us with the announcement, {without:.0f} us without: "
        f"announcement = {row / with_it * 100:.2f}% of a submit"
    )


if __name__ == "__main__":
    main()
