"""The columns an import writes, in the order both writers take their values.

The COPY lines (labeling.importers.load.copy_lines) and the ORM batches
(labeling.importers.load.write_pass) set exactly these; every other column gets its default.
"""

# An item that arrives with annotations is flagged for the review drain in the same write, so
# an import recomputes exactly its labeled items and schedules nothing for unlabeled ones.
ITEM_COLUMNS = (
    "external_id",
    "data",
    "annotation_count",
    "image",
    "width",
    "height",
    "recompute_pending",
    "recompute_pending_since",
    "is_gold",
    "gold_value",
)
ANNOTATION_COLUMNS = (
    "annotator_id",
    "value",
    "created_at",
    "guideline_version",
    "lead_time_ms",
    "unsure",
    "comment",
    "prelabel_shown",
)
PREDICTION_COLUMNS = ("model_version", "value", "score", "probabilities")
