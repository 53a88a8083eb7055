"""Response shapes of the annotator's and the pre-label routes, for the OpenAPI document.

The views build these bodies as plain dicts (labeling.api.assignments); the serializers here
only describe them, so a generated client gets typed models instead of bare objects.
"""

from __future__ import annotations

from rest_framework import serializers

from labeling.choices import AssignmentStatus


class AssignmentSerializer(serializers.Serializer):
    """A lease on one item for one annotator."""

    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AssignmentStatus.choices)
    round = serializers.IntegerField()
    expires_at = serializers.DateTimeField(allow_null=True)
    prelabel_shown = serializers.BooleanField()


class SuggestionSerializer(serializers.Serializer):
    """The pre-label shown with an assignment (the item's latest prediction)."""

    value = serializers.JSONField()
    text = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    model = serializers.CharField()


class AssignedItemSerializer(serializers.Serializer):
    """What an annotator sees of an item: never other annotators' labels or the aggregate."""

    id = serializers.IntegerField()
    external_id = serializers.CharField()
    data = serializers.JSONField()
    image_url = serializers.CharField(allow_null=True)
    width = serializers.IntegerField(allow_null=True)
    height = serializers.IntegerField(allow_null=True)
    suggestion = SuggestionSerializer(allow_null=True)


class NextResponseSerializer(serializers.Serializer):
    assignment = AssignmentSerializer()
    item = AssignedItemSerializer()


class SubmittedAnnotationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    value = serializers.JSONField()


class SubmitResponseSerializer(serializers.Serializer):
    annotation = SubmittedAnnotationSerializer()


class AssignmentResponseSerializer(serializers.Serializer):
    """Skip and release answer the closed assignment."""

    assignment = AssignmentSerializer()


class ProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField(help_text="Items I have annotated in the project")
    remaining = serializers.IntegerField(
        help_text="Items I could still be given now, counted no further than 1000"
    )
    remaining_more = serializers.BooleanField(help_text="True when more items remain than counted")


class JobProgressSerializer(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    finished = serializers.BooleanField()


class ModelVersionSerializer(serializers.Serializer):
    version = serializers.CharField()
    backend = serializers.CharField()
    trained_on = serializers.IntegerField(allow_null=True)
    cv_accuracy = serializers.FloatField(allow_null=True)
    created_at = serializers.DateTimeField()
    predictions = serializers.IntegerField()
    settled = serializers.IntegerField()
    accuracy = serializers.FloatField(allow_null=True, help_text="Agreement with settled labels")
    shown = serializers.IntegerField(help_text="Annotations made with its suggestion shown")
    acceptance = serializers.FloatField(allow_null=True, help_text="Share of those that kept it")
    details = serializers.JSONField()


class ModelVersionListSerializer(serializers.Serializer):
    results = ModelVersionSerializer(many=True)
    anchoring = serializers.JSONField(
        help_text='Agreement with the consensus when a pre-label was shown or hidden: {"shown", '
        '"hidden", "difference", "share", "enabled"}'
    )
