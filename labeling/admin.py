"""Admin registrations; writes from the admin still pass the schema validator via the model form."""

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from labeling.exceptions import SchemaError
from labeling.models import (
    Annotation,
    ApiToken,
    Assignment,
    ImportJob,
    Invite,
    Item,
    Membership,
    Prediction,
    Project,
)
from labeling.schema import schema_validate


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = "__all__"  # noqa: DJ007 - the admin edits every field

    def clean_schema(self) -> dict:
        try:
            return schema_validate(self.cleaned_data["schema"])
        except SchemaError as exc:
            raise forms.ValidationError(exc.message) from exc


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    form = ProjectForm
    list_display = ("id", "name", "overlap", "ordering", "created_at")
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("project", "user", "role")
    list_filter = ("role",)


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin):
    list_display = ("id", "project", "external_id", "annotation_count", "agreement", "is_gold")
    list_filter = ("project", "is_gold")
    search_fields = ("external_id",)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("id", "item", "annotator", "status", "expires_at")
    list_filter = ("status",)


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("id", "item", "annotator", "created_at", "guideline_version")


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = ("id", "item", "model_version", "score")


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("id", "project", "original_name", "status", "items_created")


class ReadAndDeleteAdmin(admin.ModelAdmin):
    """Tokens exist only as digests, and invites are made on the members page: read, delete."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(ReadAndDeleteAdmin):
    list_display = ("user", "name", "prefix", "created_at", "last_used_at")
    search_fields = ("user__username", "name", "prefix")
    exclude = ("key_hash",)


@admin.register(Invite)
class InviteAdmin(ReadAndDeleteAdmin):
    list_display = ("project", "role", "note", "created_by", "expires_at", "accepted_by", "revoked_at")
    list_filter = ("role",)
