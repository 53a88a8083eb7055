"""Run a function over tasks in worker threads, each with its own database connection, and
yield the results in the tasks' order (the JSON Lines export writes chunks on two PostgreSQL
backends at once: the database, not Python, is its bottleneck).

Each worker takes every n-th task, so reading the workers' results in turn keeps the order.
At most `ahead` tasks per worker are in flight, which bounds the memory held by finished
chunks. A worker closes its connection when it ends; closing the generator early (a client
that goes away) stops the workers after their current task.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from labeling.db.backend import thread_connection_close

T = TypeVar("T")
R = TypeVar("R")


class _Worker(Generic[T, R]):
    def __init__(self, fn: Callable[[T], R], stop: threading.Event, name: str) -> None:
        self.fn, self.stop = fn, stop
        self.tasks: queue.SimpleQueue[T | None] = queue.SimpleQueue()
        self.results: queue.SimpleQueue[tuple[bool, R | BaseException]] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while (task := self.tasks.get()) is not None and not self.stop.is_set():
                try:
                    self.results.put((True, self.fn(task)))
                except BaseException as error:  # handed to the reading thread, which raises it
                    self.results.put((False, error))
        finally:
            thread_connection_close()

    def result(self) -> R:
        ok, value = self.results.get()
        if not ok:
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]


def ordered_map(
    fn: Callable[[T], R], tasks: Iterable[T], *, workers: int, ahead: int = 2
) -> Iterator[R]:
    """fn(task) for each task, computed in `workers` threads, yielded in the tasks' order."""
    stop = threading.Event()
    pool = [_Worker(fn, stop, f"export-{n}") for n in range(workers)]
    pending: deque[_Worker[T, R]] = deque()
    try:
        for n, task in enumerate(tasks):
            worker = pool[n % workers]
            worker.tasks.put(task)
            pending.append(worker)
            if len(pending) >= workers * ahead:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        stop.set()
        for worker in pool:
            worker.tasks.put(None)
        for worker in pool:
            worker.thread.join()
