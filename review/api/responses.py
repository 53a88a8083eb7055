"""Response shapes of the review routes, for the OpenAPI document.

The views render plain dicts (review.api.flags, item_review, audit, decisions, agreement); these
serializers describe them so a generated client gets typed models. Bodies may carry more keys
than listed (the agreement report grows per kind); clients keep those as extra properties.
"""

from __future__ import annotations

from rest_framework import serializers

from review.choices import Cause, DecisionAction, FlagReason, FlagStatus, Verdict

FIGURE = {"allow_null": True, "required": False}


class KappaPairSerializer(serializers.Serializer):
    a = serializers.CharField()
    b = serializers.CharField()
    n = serializers.IntegerField(help_text="Items both annotators labelled")
    kappa = serializers.FloatField(allow_null=True)
    kappa_linear = serializers.FloatField(allow_null=True, required=False)
    kappa_quadratic = serializers.FloatField(allow_null=True, required=False)


class AgreementReportSerializer(serializers.Serializer):
    """The `manage.py agreement --json` object; empty for a project with no annotations.

    Undefined figures (no variation, too few pairable values) are null, with their reason
    under `undefined`.
    """

    kind = serializers.CharField(required=False)
    items = serializers.IntegerField(required=False, help_text="Items with 2+ annotations")
    annotations = serializers.IntegerField(required=False)
    annotators = serializers.IntegerField(required=False)
    percent_agreement = serializers.FloatField(**FIGURE)
    krippendorff_alpha = serializers.DictField(
        child=serializers.FloatField(allow_null=True),
        required=False,
        allow_null=True,
        help_text='Keyed by level: "nominal", and "ordinal", "interval", "ratio" for ratings; '
        "null where the kind has no such figure",
    )
    fleiss_kappa = serializers.FloatField(**FIGURE)
    gwet_ac1 = serializers.FloatField(**FIGURE)
    cohen_kappa_pairs = KappaPairSerializer(many=True, required=False)
    per_label = serializers.JSONField(required=False)
    per_annotator = serializers.JSONField(required=False)
    undefined = serializers.DictField(child=serializers.CharField(), required=False)


class FlagSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField()
    external_id = serializers.CharField()
    reason = serializers.ChoiceField(choices=FlagReason.choices)
    severity = serializers.FloatField()
    status = serializers.ChoiceField(choices=FlagStatus.choices)
    details = serializers.JSONField()
    dismiss_reason = serializers.CharField()
    agreement = serializers.FloatField(allow_null=True)
    aggregate = serializers.JSONField(allow_null=True)
    created_at = serializers.DateTimeField()


class FlagPageSerializer(serializers.Serializer):
    results = FlagSerializer(many=True)
    next = serializers.CharField(
        allow_null=True, help_text="Pass as ?cursor= for the next page; null on the last one"
    )


class GuidelineGapSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    external_id = serializers.CharField()
    value = serializers.JSONField()
    note = serializers.CharField()
    reviewer = serializers.CharField()
    decided_at = serializers.DateTimeField()


class ReviewSummarySerializer(serializers.Serializer):
    reasons = serializers.DictField(
        child=serializers.IntegerField(), help_text="Open flags per reason"
    )
    causes = serializers.DictField(
        child=serializers.IntegerField(), help_text="Settled items per cause"
    )
    guideline_gaps = GuidelineGapSerializer(many=True)


class ReviewedItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    data = serializers.JSONField()
    agreement = serializers.FloatField(allow_null=True)
    aggregate = serializers.JSONField(allow_null=True)
    aggregate_confidence = serializers.FloatField(allow_null=True)
    final = serializers.JSONField(allow_null=True)
    round = serializers.IntegerField()
    is_example = serializers.BooleanField()
    example_note = serializers.CharField()


class ReviewedAnnotationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    annotator = serializers.CharField()
    value = serializers.JSONField()
    lead_time_ms = serializers.IntegerField(allow_null=True)
    unsure = serializers.BooleanField()
    comment = serializers.CharField()
    guideline_version = serializers.IntegerField(allow_null=True)
    prelabel_shown = serializers.BooleanField()
    round = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_null=True)


class ReviewedPredictionSerializer(serializers.Serializer):
    model_version = serializers.CharField()
    value = serializers.JSONField()
    score = serializers.FloatField(allow_null=True)


class ReviewCommentSerializer(serializers.Serializer):
    author = serializers.CharField()
    body = serializers.CharField()
    created_at = serializers.DateTimeField()


class AuditEntrySerializer(serializers.Serializer):
    """One audit entry as the JSON list and the JSON Lines download carry it."""

    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    action = serializers.CharField()
    target_type = serializers.CharField()
    target_id = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class ItemReviewSerializer(serializers.Serializer):
    item = ReviewedItemSerializer()
    annotations = ReviewedAnnotationSerializer(many=True)
    predictions = ReviewedPredictionSerializer(many=True)
    flags = FlagSerializer(many=True)
    comments = ReviewCommentSerializer(many=True)
    audit = AuditEntrySerializer(many=True)


class DecisionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    item = serializers.IntegerField()
    action = serializers.ChoiceField(choices=DecisionAction.choices)
    cause = serializers.ChoiceField(choices=Cause.choices, allow_blank=True)
    value = serializers.JSONField(allow_null=True)
    note = serializers.CharField()
    reviewer = serializers.IntegerField()
    created_at = serializers.DateTimeField()


class VerdictResultSerializer(serializers.Serializer):
    annotation = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices)
    comment = serializers.CharField()


class FlagDismissResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=FlagStatus.choices)
    dismiss_reason = serializers.CharField()


class CommentResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    body = serializers.CharField()


class ExampleResultSerializer(serializers.Serializer):
    item = serializers.IntegerField()
    is_example = serializers.BooleanField()
    example_note = serializers.CharField()


class AgreementComputingSerializer(serializers.Serializer):
    """A large project's first report, sent to a worker: ask again after Retry-After seconds."""

    status = serializers.CharField(help_text='"computing"')
    labels = serializers.IntegerField(help_text="Labels the report will cover")
    detail = serializers.CharField()
