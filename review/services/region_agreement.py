"""The agreement report of a spans or boxes project, from its annotations (no write).

project_snapshot_create (review.services.agreement) stores it like any other report; the
figures are those of review.metrics.region_report. Spans and boxes have no single-label
aggregate, p_wrong or alpha interval here: their aggregates and flags are computed elsewhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from labeling.models import Project
from review.loaders.annotations import ProjectData, schema_spec
from review.loaders.regions import REGION_KINDS, box_rows_load, span_rows_load
from review.metrics.inputs import Annotations, SchemaSpec
from review.metrics.region_report import box_project_report, span_project_report

__all__ = ["REGION_KINDS", "no_class_data", "region_report"]


def no_class_data(spec: SchemaSpec) -> ProjectData:
    """An empty single-label ProjectData: what the class-label path of the project run sees
    of a spans or boxes project (nothing), without scanning its annotations for labels."""
    empty = np.zeros(0, dtype=np.int64)
    annotations = Annotations(
        items=empty, annotators=empty, codes=empty, n_items=0, annotator_names=[]
    )
    return ProjectData(annotations, spec, empty, empty)


def region_report(*, project: Project) -> dict[str, Any]:
    """The `agreement --json` object of a spans or boxes project (ValueError for other kinds)."""
    spec = schema_spec(project.schema)
    if spec.kind == "spans":
        spans, _ = span_rows_load(project, spec.labels)
        report, _ = span_project_report(spans)
    elif spec.kind == "boxes":
        boxes, rows = box_rows_load(project, spec.labels)
        report, _ = box_project_report(boxes, rows.groups)
    else:
        raise ValueError(f"not a spans or boxes project: {spec.kind}")
    report["estimated_accuracy"] = None
    return report
