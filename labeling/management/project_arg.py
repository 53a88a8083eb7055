"""Resolve the PROJECT argument of management commands: an id or a name."""

from __future__ import annotations

from django.core.management.base import CommandError

from labeling.models import Project


def project_from_arg(value: str) -> Project:
    """Find a project by id (all digits) or by exact name; CommandError when none matches."""
    project = None
    if value.isdigit():
        project = Project.objects.filter(pk=int(value)).first()
    if project is None:
        project = Project.objects.filter(name=value).first()
    if project is None:
        raise CommandError(f"No project with id or name {value!r}")
    return project
