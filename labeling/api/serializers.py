"""Shape-only serializers; schema rules run in labeling.schema via the services."""

from __future__ import annotations

from rest_framework import serializers

from labeling.models import Annotation, Item, Membership, Prediction, Project, Role


class ProjectSerializer(serializers.ModelSerializer):
    class Meta:
        model = Project
        fields = (
            "id", "name", "description", "schema", "overlap", "max_overlap", "ordering",
            "lease_minutes", "gold_rate", "show_prelabels", "prelabel_share",
            "guideline_version", "created_at",
        )
        read_only_fields = ("id", "guideline_version", "created_at")


class ProjectCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    schema = serializers.JSONField()
    overlap = serializers.IntegerField(required=False, min_value=1, max_value=50)


class ProjectSettingsPatchSerializer(serializers.Serializer):
    """PATCH body: settings to merge into schema.settings (checked by the schema validator)."""

    settings = serializers.DictField()


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)

    class Meta:
        model = Membership
        fields = ("id", "user", "username", "role", "created_at")
        read_only_fields = ("id", "user", "username", "created_at")


class MemberAddSerializer(serializers.Serializer):
    username = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)


class ItemSerializer(serializers.ModelSerializer):
    class Meta:
        model = Item
        fields = (
            "id", "external_id", "data", "width", "height", "annotation_count",
            "created_at",
        )


class StaffItemSerializer(ItemSerializer):
    """Items as reviewers and leads see them: with consensus, agreement and gold answer."""

    class Meta(ItemSerializer.Meta):
        fields = (
            *ItemSerializer.Meta.fields,
            "is_gold", "gold_value", "agreement", "aggregate_value", "aggregate_confidence",
            "aggregate_method", "p_wrong", "final_value", "final_decided_at", "round",
        )


class AnnotationSerializer(serializers.ModelSerializer):
    annotator = serializers.CharField(source="annotator.username", read_only=True)
    item_external_id = serializers.CharField(source="item.external_id", read_only=True)

    class Meta:
        model = Annotation
        fields = (
            "id", "item", "item_external_id", "annotator", "value", "guideline_version",
            "lead_time_ms", "prelabel_shown", "unsure", "comment", "round", "created_at",
            "updated_at",
        )


class PredictionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prediction
        fields = ("id", "item", "model_version", "value", "score", "margin", "created_at")
