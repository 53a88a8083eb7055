"""Real concurrent requests against PostgreSQL: no item over its overlap, nobody blocked."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections import Counter

import pytest
from django.db import connection

from labeling.models import Annotation, Assignment, AssignmentStatus, Item, Role
from labeling.selectors_counts import project_counts_stored
from labeling.services.counts import project_counts_full, project_counts_rebuild
from labeling.services.tokens import api_token_create
from tests.conftest import require_service
from tests.factories import ItemFactory, MembershipFactory, ProjectFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 20
WAIT_LIMIT_S = 5.0  # a request that waits on someone else's lock would exceed this


def call(base: str, token: str, path: str, payload: dict | None = None) -> tuple[int, dict, float]:
    """POST to the live server; return (status, body, seconds)."""
    body = json.dumps(payload or {}).encode()
    base = base.replace("//localhost:", "//127.0.0.1:")  # no resolver round trip
    started = time.monotonic()
    request = urllib.request.Request(  # noqa: S310 - loopback live server
        f"{base}{path}",
        data=body,
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    started = time.monotonic()
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        raw = response.read()
        status = response.status
    return status, (json.loads(raw) if raw else {}), time.monotonic() - started


def warm_up(base: str, token: str, project) -> None:
    """One request first, so the timings measure claims, not the server's first imports."""
    request = urllib.request.Request(  # noqa: S310 - loopback live server
        f"{base.replace('//localhost:', '//127.0.0.1:')}/api/projects/{project.pk}/progress",
        headers={"Authorization": f"Token {token}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200


def crowd(n: int):
    """A project with `n` annotators and their API tokens."""
    project = ProjectFactory(overlap=3)
    tokens = []
    for index in range(n):
        user = UserFactory(username=f"crowd{index}")
        MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
        tokens.append(api_token_create(user=user, name="concurrency")[1])
    return project, tokens


def run_threads(target, tokens):
    barrier = threading.Barrier(len(tokens))
    results: list = []
    errors: list = []

    def worker(token):
        try:
            barrier.wait()
            results.append(target(token))
        except Exception as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return results


@pytest.fixture(autouse=True)
def _postgres_only():
    require_service(connection.vendor == "postgresql", "needs PostgreSQL")


def test_twenty_simultaneous_next_calls_never_overfill_few_items(live_server):
    project, tokens = crowd(THREADS)
    items = [ItemFactory(project=project) for _ in range(5)]
    path = f"/api/projects/{project.pk}/next"
    warm_up(live_server.url, tokens[0], project)

    results = run_threads(lambda token: call(live_server.url, token, path), tokens)

    statuses = Counter(status for status, _body, _s in results)
    assert statuses == {200: 15, 204: 5}
    per_item = Counter(
        Assignment.objects.filter(project=project, status=AssignmentStatus.ACTIVE).values_list(
            "item_id", flat=True
        )
    )
    assert per_item == {item.pk: 3 for item in items}
    assert max(seconds for _status, _body, seconds in results) < WAIT_LIMIT_S


def test_annotators_looping_next_and_submit_fill_every_item_exactly_to_overlap(live_server):
    project, tokens = crowd(THREADS)
    items = [ItemFactory(project=project) for _ in range(12)]
    project_counts_rebuild(project_id=project.pk)  # factories write no counters
    warm_up(live_server.url, tokens[0], project)

    def loop(token):
        stored = 0
        while True:
            status, body, _s = call(live_server.url, token, f"/api/projects/{project.pk}/next")
            if status == 204:
                return stored
            submit = f"/api/assignments/{body['assignment']['id']}/submit"
            status, _body, _s = call(live_server.url, token, submit, {"value": {"label": "positive"}})
            stored += status == 200

    stored = run_threads(loop, tokens)

    assert sum(stored) == 12 * 3 == Annotation.objects.filter(project=project).count()
    per_item = Counter(Annotation.objects.filter(project=project).values_list("item_id", flat=True))
    assert per_item == {item.pk: 3 for item in items}
    assert set(Item.objects.filter(project=project).values_list("annotation_count", flat=True)) == {3}
    # Twenty clients moved the sharded counters at once: none of their deltas was lost.
    assert project_counts_stored(project.pk) == project_counts_full(project.pk)
