"""Agreement and aggregation for span annotations (character offsets in a text).

- inputs: SpanAnnotations (long form) and ``span_annotations`` (from an item -> [(annotator, spans)] mapping)
- matching: pairwise span F1, exact and overlap matching
- tokens, token_agreement: tokens, the label each annotation gives them, token-level Krippendorff alpha
- vote: aggregated spans by token-level voting, with a confidence per span
- sections, report: the report dict (``build_span_report``, ``span_report``)
"""

from review.metrics.spans.inputs import SpanAnnotations, span_annotations
from review.metrics.spans.report import SpanItemResults, build_span_report, span_report

__all__ = [
    "SpanAnnotations",
    "SpanItemResults",
    "build_span_report",
    "span_annotations",
    "span_report",
]
