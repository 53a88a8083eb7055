"""Access to Accord beyond project roles: API tokens and invite links."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from labeling.choices import Role
from labeling.models.project import Project


class ApiToken(models.Model):
    """A named API key of one user. Only the key's SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The key's first characters, so the owner can tell their tokens apart on the page.
    prefix = models.CharField(max_length=8)
    created_at = models.DateTimeField(auto_now_add=True)
    # Written at most once a minute per token (labeling.api.auth), so it is minute-accurate.
    last_used_at = models.DateTimeField(null=True, blank=True)
    # A scoped token (scope "project_read") may only read its project's items and images
    # (labeling.api.auth enforces it); Accord gives one to the project's model server.
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(max_length=32, blank=True)

    class Meta:
        ordering = ["user_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) of {self.user_id}"


class Invite(models.Model):
    """A signed link that adds whoever opens it to `project` with `role`: once, before expiry."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="invites")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANNOTATOR)
    note = models.CharField(max_length=200, blank=True)  # whom it is for, shown to the lead only
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["project_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"invite {self.pk} to {self.project_id} as {self.role}"


class LabelingPreference(models.Model):
    """One user's labeling-screen preferences: today, whether single-key shortcuts are on.

    A missing row means the defaults (shortcuts on). WCAG 2.1.4 asks for a way to turn
    character-key shortcuts off; the labeling and review screens read it from <body>.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="labeling_preference"
    )
    shortcuts_enabled = models.BooleanField(default=True)

    def __str__(self) -> str:
        state = "on" if self.shortcuts_enabled else "off"
        return f"shortcuts {state} for {self.user_id}"
