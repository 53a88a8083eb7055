"""Shape-only serializers; schema rules run in labeling.schema via the services."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from labeling.models import Annotation, Item, Membership, Prediction, Project, Role
from labeling.services.settings import project_settings_values


class ProjectSerializer(serializers.ModelSerializer):
    settings = serializers.SerializerMethodField(
        help_text="Every project setting by name (labeling.project_settings.SETTINGS)"
    )
    archived = serializers.BooleanField(source="is_archived", read_only=True)

    class Meta:
        model = Project
        fields = (
            "id", "name", "description", "schema", "overlap", "max_overlap", "ordering",
            "lease_minutes", "gold_rate", "show_prelabels", "prelabel_share",
            "guideline_version", "created_at", "archived", "settings",
        )
        read_only_fields = ("id", "guideline_version", "created_at")

    def get_settings(self, project: Project) -> dict[str, Any]:
        return project_settings_values(project)


class ProjectCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    schema = serializers.JSONField()
    overlap = serializers.IntegerField(required=False, min_value=1, max_value=50)


class ProjectSettingsPatchSerializer(serializers.Serializer):
    """PATCH body: settings by name or in the stored shape (checked by the one settings
    validator, labeling.project_settings), and optionally the name and description."""

    settings = serializers.DictField(required=False, default=dict)
    name = serializers.CharField(required=False, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)


class ProjectDeleteSerializer(serializers.Serializer):
    confirm = serializers.CharField(help_text="The project's name, typed exactly", allow_blank=True)


class ProjectDeleteStartedSerializer(serializers.Serializer):
    items = serializers.IntegerField(help_text="Items the background deletion removes")
    status = serializers.CharField(help_text='Always "deleting"')


class ItemsDeletedSerializer(serializers.Serializer):
    deleted = serializers.IntegerField()


class GoldSetSerializer(serializers.Serializer):
    gold = serializers.IntegerField(help_text="Items given a gold answer")


class ItemsDeleteSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), max_length=100_000)


class GoldBulkSerializer(serializers.Serializer):
    answers = serializers.DictField(help_text="external id -> answer (a value object or a label)")


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
