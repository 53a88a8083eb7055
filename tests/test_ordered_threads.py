"""ordered_map: results in the tasks' order, errors raised to the reader, no thread left behind."""

from __future__ import annotations

import threading
import time

import pytest

from labeling.exporters.ordered_threads import ordered_map


def _workers_alive():
    return [thread for thread in threading.enumerate() if thread.name.startswith("export-")]


def _slow_square(n):
    time.sleep(0.002 * (n % 3))  # later tasks often finish first
    return n * n


def test_results_come_in_the_tasks_order_from_every_worker():
    seen = set()

    def square(n):
        seen.add(threading.current_thread().name)
        return _slow_square(n)

    assert list(ordered_map(square, range(40), workers=3)) == [n * n for n in range(40)]
    assert seen == {"export-0", "export-1", "export-2"}
    assert not _workers_alive()


def test_a_workers_error_reaches_the_reader_and_the_workers_end():
    def fail_on_seven(n):
        if n == 7:
            raise ValueError("seven")
        return n

    results = ordered_map(fail_on_seven, range(20), workers=2)

    assert [next(results) for _ in range(7)] == list(range(7))
    with pytest.raises(ValueError, match="seven"):
        next(results)
    assert not _workers_alive()


def test_closing_early_stops_the_workers_and_reads_no_further_tasks():
    taken = []

    def tasks():
        for n in range(1000):
            taken.append(n)
            yield n

    results = ordered_map(_slow_square, tasks(), workers=2, ahead=2)
    assert next(results) == 0
    results.close()

    assert not _workers_alive()
    assert len(taken) <= 2 * 2 + 1
