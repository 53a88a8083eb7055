"""Run a generator in a forked child process and iterate what it yields in the parent.

A large import is two kinds of work: parsing and checking the file (pure Python) and loading
it (PostgreSQL, driven through the parent's transactional connection). In one process the
two meet at the GIL: each waits for the other's time slice, and two cores do the work of
about one and a half. A child process parses; the parent only talks to PostgreSQL.

The child pickles each item to a pipe; a thread of the parent unpickles them into a short
queue, so the child keeps parsing while the parent waits on the database.

The child inherits the parent's open sockets (database, broker, cache). It must never use
them, and it ends with os._exit, so no finaliser runs: closing an inherited psycopg2
connection would send Terminate down the shared socket and end the parent's session.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")

logger = logging.getLogger(__name__)

QUEUE_DEPTH = 3  # parsed items held by the parent beyond the one it works on
PIPE_BUFFER = 1 << 20

_ITEM, _END, _CRASH = "item", "end", "crash"


class ChildFailed(RuntimeError):
    """The child raised (the message carries its traceback) or died before it finished."""


def fork_available() -> bool:
    return hasattr(os, "fork")


@contextmanager
def forked(produce: Callable[[], Iterator[T]], *, fork: bool = True) -> Iterator[Iterator[T]]:
    """Yield an iterator over `produce()`, run in a child process when `fork` (and possible).

    Leaving the block early kills the child. Without fork the generator runs in this process,
    so callers have one code path.
    """
    started = _child_start(produce) if fork and fork_available() else None
    if started is None:
        items = produce()
        try:
            yield items
        finally:
            getattr(items, "close", lambda: None)()
        return
    pid, read_fd = started
    reader = _Reader(os.fdopen(read_fd, "rb", buffering=PIPE_BUFFER))
    try:
        yield reader.items()
    finally:
        reader.close(pid)


def _child_start(produce: Callable[[], Iterator[Any]]) -> tuple[int, int] | None:
    """Fork the child; (its pid, the pipe to read) or None when the system refuses a fork."""
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError as error:  # out of memory or processes: parse here instead
        os.close(read_fd)
        os.close(write_fd)
        logger.warning("could not fork a parsing process (%s); parsing in this one", error)
        return None
    if pid == 0:
        os.close(read_fd)
        _child_run(produce, write_fd)  # never returns
    os.close(write_fd)
    return pid, read_fd


def _child_run(produce: Callable[[], Iterator[Any]], write_fd: int) -> None:
    code = 0
    try:
        with suppress(ValueError):  # only a main thread may; after fork() the forking one is
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's (Celery's) handlers
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        out = os.fdopen(write_fd, "wb", buffering=PIPE_BUFFER)
        try:
            for item in produce():
                _send(out, _ITEM, item)
            _send(out, _END, None)
        except BrokenPipeError:  # the parent stopped reading: nobody to tell
            code = 1
        except BaseException:
            _send(out, _CRASH, traceback.format_exc())
            code = 1
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _send(out: BinaryIO, kind: str, value: Any) -> None:
    pickle.dump((kind, value), out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


class _Reader:
    """A thread that unpickles the child's messages into a bounded queue."""

    def __init__(self, pipe: BinaryIO) -> None:
        self.pipe = pipe
        self.messages: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=QUEUE_DEPTH)
        self.finished = False
        self.thread = threading.Thread(target=self._run, name="import-parse-reader", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            while True:
                kind, value = pickle.load(self.pipe)  # noqa: S301 - our own child, through our own pipe
                self.messages.put((kind, value))
                if kind != _ITEM:
                    return
        except EOFError:
            self.messages.put((_CRASH, "the parsing process ended before it finished"))
        except BaseException as error:
            self.messages.put((_CRASH, f"reading from the parsing process failed: {error!r}"))

    def items(self) -> Iterator[Any]:
        while True:
            kind, value = self.messages.get()
            if kind == _ITEM:
                yield value
            elif kind == _END:
                self.finished = True
                return
            else:
                raise ChildFailed(value)

    def close(self, pid: int) -> None:
        """Reap the child (killing it first unless it finished) and end the reader thread."""
        if not self.finished:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        while self.thread.is_alive():  # it may wait on a full queue
            try:
                self.messages.get_nowait()
            except queue.Empty:
                self.thread.join(0.01)
        self.pipe.close()
