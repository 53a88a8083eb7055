"""python manage.py import_items PROJECT FILE [--format auto] [--dedupe first] [--images DIR_OR_ZIP]."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from labeling.exceptions import ImportFailed
from labeling.importers.parse.stream import FORMATS
from labeling.management.project_arg import project_from_arg
from labeling.services.imports import import_file


class Command(BaseCommand):
    help = "Import items (with annotations and predictions) from JSONL, JSON, CSV or images."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="project id or name")
        parser.add_argument("file", help="JSONL, JSON array, long CSV, or a zip/folder of images")
        parser.add_argument("--format", default="auto", choices=FORMATS)
        parser.add_argument(
            "--dedupe",
            choices=["first"],
            help="keep the first of repeated (item, annotator) pairs instead of failing",
        )
        parser.add_argument("--images", help="zip or folder holding the images items refer to")

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_from_arg(options["project"])
        path = Path(options["file"])
        if not path.exists():
            raise CommandError(f"{path}: no such file or folder")
        try:
            counts = import_file(
                project=project,
                path=path,
                fmt=options["format"],
                dedupe=options["dedupe"] == "first",
                images=options["images"],
            )
        except ImportFailed as failure:
            for error in failure.details or []:
                self.stderr.write(f"line {error['line']}: {error['message']}")
            raise CommandError(failure.message) from failure
        self.stdout.write(
            f"Imported {counts.items} items, {counts.annotations} annotations, "
            f"{counts.predictions} predictions ({counts.annotators} annotators) into {project.name}"
        )
