"""Agreement and aggregation for bounding-box annotations (pixels).

- inputs: BoxAnnotations (long form) and ``box_annotations`` (from an item -> [(annotator, boxes)] mapping)
- matching: IoU, Hungarian matching between two annotations of an item
- tallies: matches and comparisons summed per item, annotator, label, pair
- clusters: boxes grouped into objects, alpha over them, the aggregated boxes
- report: the report dict (``build_box_report``, ``box_report``)
"""

from review.metrics.boxes.inputs import BoxAnnotations, box_annotations
from review.metrics.boxes.report import BoxItemResults, box_report, build_box_report

__all__ = [
    "BoxAnnotations",
    "BoxItemResults",
    "box_annotations",
    "box_report",
    "build_box_report",
]
