"""Progress of an import job, written where pollers can see it while the import runs.

On PostgreSQL the import's own connection is busy and inside its transaction, where writes
are invisible to others, so a thread with its own connection (kept for the whole job) writes
bytes_done/bytes_total in autocommit. Each report waits for its write, so a poller that asks
after a report sees it. Reports are written when the whole percent changes, or when the
heartbeat is due. SQLite
allows one writer at a time: pass 1 (outside the import's transaction) reports as it goes,
pass 2 only at the end.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from time import monotonic

from django.db import DatabaseError
from django.utils import timezone

from labeling.db.backend import is_postgresql, thread_connection_close
from labeling.models import ImportJob

logger = logging.getLogger(__name__)

# A report also writes the job's heartbeat; one is written at least this often (per batch)
# even when the percent did not move, so the stalled-job sweep sees a slow import as alive.
HEARTBEAT_EVERY_S = 30


class JobProgress:
    """Call with (done, total) bytes; `close()` ends the writer thread and its connection."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.percent = -1
        self.written_at = monotonic()
        self.requests: queue.Queue[tuple[int, int] | None] = queue.Queue()
        self.thread: threading.Thread | None = None
        if is_postgresql():
            self.thread = threading.Thread(target=self._write_elsewhere, name="import-progress", daemon=True)
            self.thread.start()

    def __call__(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        beat_due = monotonic() - self.written_at >= HEARTBEAT_EVERY_S
        if percent == self.percent and not beat_due:
            return
        self.percent = percent
        self.written_at = monotonic()
        if self.thread is not None:
            self.requests.put((done, total))
            self.requests.join()
        elif done * 2 <= total:
            self._write(done, total)

    def _write(self, done: int, total: int) -> None:
        try:
            ImportJob.objects.filter(pk=self.job_id).update(
                bytes_done=done, bytes_total=total, heartbeat_at=timezone.now()
            )
        except DatabaseError:  # a progress bar is not worth failing the import for
            logger.exception("could not write the progress of import job %s", self.job_id)

    def close(self) -> None:
        if self.thread is not None and self.thread.is_alive():
            self.requests.put(None)
            self.thread.join()

    def _write_elsewhere(self) -> None:
        try:
            while (request := self.requests.get()) is not None:
                try:
                    self._write(*request)
                finally:
                    self.requests.task_done()
        finally:
            thread_connection_close()


@contextmanager
def job_progress(job_id: int) -> Iterator[JobProgress]:
    progress = JobProgress(job_id)
    try:
        yield progress
    finally:
        progress.close()
