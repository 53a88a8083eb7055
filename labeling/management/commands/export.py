"""python manage.py export PROJECT [--format jsonl|json|csv] [--output FILE] [--include all]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from labeling.exceptions import AccordError
from labeling.exporters.rows import INCLUDES
from labeling.management.project_arg import project_from_arg
from labeling.services.exports import EXPORTERS, export_stream


class Command(BaseCommand):
    help = "Export a project's items with their annotations, predictions and labels."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--format", default="jsonl", choices=sorted(EXPORTERS))
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument("--include", default="all", choices=INCLUDES)

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_from_arg(options["project"])
        try:
            chunks = export_stream(project=project, fmt=options["format"], include=options["include"])
            if options["output"]:
                with Path(options["output"]).open("w", encoding="utf-8", newline="") as out:
                    out.writelines(chunks)
            else:
                for chunk in chunks:
                    self.stdout.write(chunk, ending="")
        except AccordError as error:
            raise CommandError(error.message) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        if options["output"]:
            self.stderr.write(f"Exported {project.name} to {options['output']}")
