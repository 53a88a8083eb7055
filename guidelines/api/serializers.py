"""Shapes of the guidelines API. Shape checks only; services enforce the rules."""

from __future__ import annotations

from rest_framework import serializers

from guidelines.markdown import project_image_hosts, render_markdown
from guidelines.models import Acknowledgement, Guideline, GuidelineVersion
from labeling.ids import MAX_ID


class VersionSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", default=None, read_only=True)

    class Meta:
        model = GuidelineVersion
        fields = ["number", "changelog", "author", "published_at", "example_item_ids"]


class VersionDetailSerializer(VersionSerializer):
    html = serializers.SerializerMethodField()

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "markdown", "html", "examples"]

    def get_html(self, version: GuidelineVersion) -> str:
        return render_markdown(version.markdown, image_hosts=project_image_hosts(version.project))


class DraftSerializer(serializers.ModelSerializer):
    markdown = serializers.CharField(
        source="draft_markdown", allow_blank=True, trim_whitespace=False
    )
    changelog = serializers.CharField(
        source="draft_changelog", allow_blank=True, required=False, max_length=300
    )
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Guideline
        fields = ["markdown", "changelog", "updated_at"]


class PublishSerializer(serializers.Serializer):
    changelog = serializers.CharField(allow_blank=True, required=False, max_length=300, default="")
    example_item_ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, default=list, max_length=500
    )


class DiffSerializer(serializers.Serializer):
    old = serializers.IntegerField(source="old.number", default=0)
    new = serializers.IntegerField(source="new.number")
    html = serializers.CharField()
    inserted = serializers.IntegerField(source="stats.inserted")
    deleted = serializers.IntegerField(source="stats.deleted")
    changed_labels = serializers.ListField(child=serializers.CharField())


class AcknowledgementSerializer(serializers.ModelSerializer):
    version = serializers.IntegerField(source="version.number")

    class Meta:
        model = Acknowledgement
        fields = ["version", "at"]
