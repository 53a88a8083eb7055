"""python manage.py prelabel PROJECT [--backend NAME] [--scope S] [--wait]: start a pre-label job.

Prints the job id; with --wait, polls the job and draws a progress bar until it finishes
(a Celery worker must be running, unless CELERY_TASK_ALWAYS_EAGER is on).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from labeling.exceptions import AccordError
from labeling.management.project_arg import project_from_arg
from labeling.models import JobStatus, PrelabelJob
from labeling.services.prelabel import SCOPES, prelabel_job_start

BAR_WIDTH = 30
POLL_SECONDS = 0.5


def progress_bar(job: PrelabelJob) -> str:
    """`[#########.....] 60%  600/1000 running` for one job."""
    done = min(job.done, job.total)
    share = done / job.total if job.total else 1.0
    filled = round(share * BAR_WIDTH)
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {share:4.0%}  {done}/{job.total} {job.status}"


class Command(BaseCommand):
    help = "Pre-label a project's items with a model (tfidf, image, embeddings or http)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--backend", help="tfidf (text default), image, embeddings or http")
        parser.add_argument("--scope", choices=SCOPES, default="unlabeled", help="which items")
        parser.add_argument("--wait", action="store_true", help="show progress until done")
        parser.add_argument("--timeout", type=float, default=3600, help="seconds to wait at most")

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_from_arg(options["project"])
        try:
            job = prelabel_job_start(
                project=project, user=None, backend=options["backend"],
                item_filter={"scope": options["scope"]},
            )
        except AccordError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"prelabel job {job.pk}: {job.total} items, backend {job.backend}")
        if options["wait"]:
            job = self._wait(job, timeout=options["timeout"])
            if job.status != JobStatus.DONE:
                raise CommandError(f"job {job.pk} ended {job.status}: {job.error or 'no error'}")
            self.stdout.write(f"done: {job.done} items predicted with {job.model_version}")

    def _wait(self, job: PrelabelJob, *, timeout: float) -> PrelabelJob:
        deadline = time.monotonic() + timeout
        while True:
            job.refresh_from_db()
            self.stdout.write("\r" + progress_bar(job), ending="")
            self.stdout.flush()
            if job.status not in (JobStatus.PENDING, JobStatus.RUNNING):
                self.stdout.write("")
                return job
            if time.monotonic() > deadline:
                self.stdout.write("")
                raise CommandError(f"job {job.pk} still {job.status} after {timeout:.0f} s")
            time.sleep(POLL_SECONDS)
