"""python manage.py create_project NAME (--config schema.json | --from-label-studio config.xml) [--overlap 3]; prints the new id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from labeling.exceptions import AccordError
from labeling.label_studio_config import schema_from_label_studio
from labeling.services import project_create


class Command(BaseCommand):
    help = "Create a project from a label schema file (DESIGN.md contract) and print its id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--config", help="JSON file with the label schema")
        source.add_argument("--from-label-studio", metavar="XML", help="Label Studio labeling config (XML)")
        parser.add_argument("--overlap", type=int, help="annotators per item (default 3)")
        parser.add_argument("--description", default="")

    def handle(self, *args: Any, **options: Any) -> None:
        xml = options["from_label_studio"]
        path = Path(xml or options["config"])
        try:
            text = path.read_text(encoding="utf-8")
            schema = schema_from_label_studio(text) if xml else json.loads(text)
        except FileNotFoundError as exc:
            raise CommandError(f"{path}: no such file") from exc
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{path}: not valid UTF-8 JSON ({exc})") from exc
        except AccordError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        try:
            project = project_create(
                name=options["name"],
                schema=schema,
                description=options["description"],
                overlap=options["overlap"],
            )
        except AccordError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(str(project.pk))
