"""`python manage.py agreement PROJECT [--json] [--save] [--full]`: the project's agreement report.

Above ACCORD_AGREEMENT_REPORT_SAMPLE_ITEMS labeled items the report is the at-scale one (exact
figures from the submit-kept statistics, the aggregate-dependent sections from a sample; its
"sample" says so); --full recomputes everything from every annotation instead.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from labeling.exceptions import AccordError
from review import services


class Command(BaseCommand):
    help = "Compute a project's agreement (PROJECT is an id or a name)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("project", help="project id or name")
        parser.add_argument("--json", action="store_true", help="print the full JSON object")
        parser.add_argument("--save", action="store_true", help="also store it as a snapshot")
        parser.add_argument(
            "--full", action="store_true", help="read every annotation, never a sample"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            project = services.project_resolve(reference=options["project"])
        except AccordError as error:
            raise CommandError(error.message) from error
        if options["save"]:
            snapshot = services.project_snapshot_create(project_id=project.pk)
            report = snapshot.report if snapshot is not None else {}
        elif options["full"]:
            report, _, _ = services.project_report_full(project=project)
        else:
            report, _, _ = services.project_report(project=project)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
            return
        self.stdout.write(self._summary(project.name, report))

    @staticmethod
    def _summary(name: str, report: dict[str, Any]) -> str:
        alphas = report.get("krippendorff_alpha") or {}
        lines = [
            f"{name}: {report.get('items', 0)} items with 2+ labels, "
            f"{report.get('annotations', 0)} annotations, {report.get('annotators', 0)} annotators",
            *(f"  alpha ({level}): {value}" for level, value in alphas.items()),
            f"  percent agreement: {report.get('percent_agreement')}",
            f"  Fleiss' kappa: {report.get('fleiss_kappa')}  Gwet's AC1: {report.get('gwet_ac1')}",
        ]
        if "span_f1" in report:  # spans: alpha is over tokens
            f1 = report["span_f1"]
            lines.append(f"  span F1 exact: {f1.get('exact')}  overlap: {f1.get('overlap')}")
        if "box_f1" in report:  # boxes: alpha is over clusters of matched boxes
            f1 = report["box_f1"]
            lines.append(
                f"  box F1 at IoU {report.get('iou_threshold')}: {f1.get('labelled')} "
                f"(any label {f1.get('any_label')})  mean IoU: {report.get('mean_iou')}"
            )
        if "sample" in report:
            sample = report["sample"]
            lines.append(
                f"  aggregate-dependent sections over a sample of {sample['items']} of "
                f"{sample['of']} items (seed {sample['seed']})"
            )
        lines += [
            f"  undefined {key}: {why}" for key, why in (report.get("undefined") or {}).items()
        ]
        return "\n".join(lines)
