"""python manage.py export PROJECT [--format NAME] [--output FILE] [--include all] [--source settled].

NAME is any format of labeling.exporters.catalogue (jsonl, json, csv, label_studio, conll,
spacy, coco, yolo). A binary format (the YOLO zip) needs --output.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from labeling.exceptions import AccordError
from labeling.exporters.catalogue import FORMATS
from labeling.exporters.labelled_items import SOURCES
from labeling.exporters.rows import INCLUDES
from labeling.management.project_arg import project_from_arg
from labeling.services.exports import export_is_binary, export_stream


class Command(BaseCommand):
    help = "Export a project's items with their annotations, predictions and labels."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--format", default="jsonl", choices=sorted(FORMATS))
        parser.add_argument("--output", help="file to write (default: standard output)")
        parser.add_argument("--include", default="all", choices=INCLUDES)
        parser.add_argument(
            "--source", default="settled", choices=SOURCES,
            help="conll, spacy, coco, yolo: which value to write (settled = final, else aggregate)",
        )  # fmt: skip

    def handle(self, *args: Any, **options: Any) -> None:
        project = project_from_arg(options["project"])
        fmt, output = options["format"], options["output"]
        if export_is_binary(fmt) and not output:
            raise CommandError(f"The {fmt} export is a zip; write it to a file with --output FILE")
        try:
            chunks = export_stream(
                project=project, fmt=fmt, include=options["include"], source=options["source"]
            )
            if export_is_binary(fmt):
                with Path(output).open("wb") as out:
                    out.writelines(chunks)
            elif output:
                with Path(output).open("w", encoding="utf-8", newline="") as out:
                    out.writelines(chunks)
            else:
                for chunk in chunks:
                    self.stdout.write(chunk, ending="")
        except AccordError as error:
            raise CommandError(error.message) from error
        except OSError as error:
            raise CommandError(str(error)) from error
        if output:
            self.stderr.write(f"Exported {project.name} to {output}")
