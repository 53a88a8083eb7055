"""labeling.importers.load.child_process: a generator run in a child process, consumed in the parent."""

from __future__ import annotations

import itertools
import os
import threading

import pytest
from django.db import connection

from labeling.importers.load.child_process import ChildFailed, forked
from tests.conftest import require_service


@pytest.fixture(autouse=True)
def fork_and_proc():
    """Skipped on a machine without os.fork or /proc (not Linux); CI has both, so there it fails."""
    require_service(os.path.isdir("/proc") and hasattr(os, "fork"), "needs os.fork and /proc (Linux)")


def numbered(count):
    for n in range(count):
        yield {"n": n, "pid": os.getpid(), "text": "x" * n}


def child_pids():
    """This process's children, running or not yet reaped (zombies), from /proc."""
    me, found = os.getpid(), set()
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/stat") as stat:
                    if int(stat.read().rsplit(")", 1)[1].split()[1]) == me:
                        found.add(int(entry.name))
            except (OSError, ValueError, IndexError):
                continue  # it ended meanwhile
    return found


@pytest.fixture
def no_new_children():
    """After the test, no child it started is left running or unreaped (other tests may own some)."""
    before = child_pids()
    yield
    assert child_pids() <= before


@pytest.mark.parametrize("fork", [True, False])
def test_every_item_arrives_in_order_whether_forked_or_not(fork, no_new_children):
    with forked(lambda: numbered(500), fork=fork) as items:
        got = list(items)

    assert [item["n"] for item in got] == list(range(500))
    assert {item["text"] for item in got[-1:]} == {"x" * 499}
    assert ({item["pid"] for item in got} == {os.getpid()}) is not fork


def test_an_error_in_the_child_is_raised_in_the_parent_with_its_traceback(no_new_children):
    def broken():
        yield 1
        raise ValueError("line 7 broke the parser")

    with forked(broken) as items:
        assert next(items) == 1
        with pytest.raises(ChildFailed, match="line 7 broke the parser") as failure:
            next(items)

    assert "ValueError" in str(failure.value)


def test_leaving_early_kills_and_reaps_the_child(no_new_children):
    with forked(lambda: itertools.count()) as items:
        first = [next(items) for _ in range(5)]

    assert first == [0, 1, 2, 3, 4]


@pytest.mark.django_db
def test_the_child_leaves_the_parents_database_connection_alone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")

    with forked(lambda: numbered(50)) as items:
        assert len(list(items)) == 50

    with connection.cursor() as cursor:
        cursor.execute("SELECT 2")
        assert cursor.fetchone() == (2,)


def test_a_fork_from_a_worker_thread_works_like_one_from_the_main_thread(no_new_children):
    got = []

    def consume():
        with forked(lambda: numbered(20)) as items:
            got.extend(item["n"] for item in items)

    worker = threading.Thread(target=consume)
    worker.start()
    worker.join(30)

    assert got == list(range(20))


def test_when_the_system_refuses_a_fork_the_items_are_made_here(monkeypatch):
    def refuse():
        raise BlockingIOError("Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)

    with forked(lambda: numbered(5)) as items:
        got = list(items)

    assert {item["pid"] for item in got} == {os.getpid()}
    assert len(got) == 5
