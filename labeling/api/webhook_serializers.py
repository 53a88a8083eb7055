"""Shapes of the webhook API: hooks (the secret is write-only, shown once) and deliveries."""

from __future__ import annotations

from rest_framework import serializers

from labeling.models import Webhook, WebhookDelivery
from labeling.webhooks.catalogue import WebhookEvent


class WebhookSerializer(serializers.ModelSerializer):
    """A hook as read back: never its secret."""

    events = serializers.ListField(child=serializers.ChoiceField(choices=WebhookEvent.choices))

    class Meta:
        model = Webhook
        fields = ["id", "url", "events", "is_active", "created_at", "updated_at"]


class WebhookCreatedSerializer(WebhookSerializer):
    """The answer to a create: the hook with its secret, the only time the secret is shown."""

    secret = serializers.CharField()

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class WebhookWriteSerializer(serializers.Serializer):
    """Create (url and events required) or change (any subset) a hook. Leave `secret` out to
    have one generated at creation, or to keep the current one on a change."""

    url = serializers.CharField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False
    )
    secret = serializers.CharField(
        required=False, allow_blank=True, write_only=True, min_length=16, max_length=200
    )
    is_active = serializers.BooleanField(required=False, default=True)


class WebhookUpdateSerializer(WebhookWriteSerializer):
    url = serializers.CharField(max_length=2000, required=False)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEvent.choices), allow_empty=False, required=False
    )
    is_active = serializers.BooleanField(required=False)


class WebhookDeliverySerializer(serializers.ModelSerializer):
    """One line of the delivery log."""

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "event", "event_id", "status", "attempts", "response_code", "error",
            "duration_ms", "redelivery_of", "created_at", "last_attempt_at", "next_attempt_at",
            "finished_at",
        ]
