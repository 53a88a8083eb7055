"""`python manage.py refresh_flags PROJECT [--wait]`: recompute a project's aggregates and flags."""

from __future__ import annotations

from typing import Any

from celery import chain
from django.core.management.base import BaseCommand, CommandError, CommandParser

from labeling.exceptions import AccordError
from review import services
from review.services.refresh import project_refresh
from review.tasks.agreement import recompute_project_agreement_task
from review.tasks.flags import refresh_project_flags_task


class Command(BaseCommand):
    help = (
        "Recompute a project's aggregates and flags (PROJECT is an id or a name). Without "
        "--wait the work is queued for the Celery workers (agreement run, then flags in "
        "batches); with --wait it runs here and is done when the command returns."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--wait", action="store_true", help="finish before returning")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            project = services.project_resolve(reference=options["project"])
        except AccordError as error:
            raise CommandError(error.message) from error
        if not options["wait"]:
            # Immutable signatures: the flag refresh must not receive the snapshot task's result.
            chain(
                recompute_project_agreement_task.si(project.pk),
                refresh_project_flags_task.si(project.pk),
            ).delay()
            self.stdout.write(f"{project.name}: refresh queued")
            return
        done = project_refresh(project_id=project.pk)
        if done is None:
            raise CommandError(f"Project {project.pk} is gone")
        self.stdout.write(
            f"{project.name}: aggregates recomputed, flags refreshed in {done.flag_batches} batch(es)"
        )
