"""Save a project's settings (page and API share these), audited field by field.

Every setting is checked by labeling.project_settings.settings_validate, the one rule set
the settings page and PATCH /api/projects/{id} both go through; the audit entry lists each
changed setting with its old and new value.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction

from labeling.events import refresh_project_on_commit
from labeling.exceptions import Conflict, SchemaError
from labeling.models import Project
from labeling.project_settings import (
    BY_NAME,
    COLUMNS,
    FLAG_DEFAULTS,
    settings_from_patch,
    settings_read,
    settings_store,
    settings_validate,
)
from labeling.schema import schema_validate
from labeling.services.audit import audit_record
from labeling.services.model_server import model_server_settings_update
from labeling.services.projects import project_create
from labeling.services.schema_edit import check_compatible, field_of, has_labels, labels_rename

# Settings whose change alters aggregates, p_wrong or flags (so saving them recomputes).
QUALITY_PREFIXES = ("aggregation", "review_budget", "risk_threshold", *FLAG_DEFAULTS)


def project_settings_values(project: Project) -> dict[str, Any]:
    """Every setting of the project by name (see labeling.project_settings.SETTINGS)."""
    columns = {name: getattr(project, name) for name in COLUMNS}
    return settings_read(columns=columns, stored=project.settings)


@transaction.atomic
def project_settings_update(
    *,
    project: Project,
    actor: AbstractBaseUser | None,
    name: str,
    description: str,
    schema: dict[str, Any],
    values: dict[str, Any] | None = None,
    renames: dict[str, str] | None = None,
    **columns: Any,
) -> Project:
    """Save name, description, schema and settings; apply label `renames` {old: new} everywhere.

    `values` are settings by name (labeling.project_settings); column settings may also come
    as keyword arguments (ordering=..., gold_rate=...). Settings not given keep what `schema`
    holds, else their current value. Raises Conflict when the project is archived, and
    SchemaError (details={"field": name, "fields": {name: message}}) when anything is invalid,
    the kind/data type changes after labels exist, or a label in use would vanish. Writes one
    audit entry with each changed field's old and new value; quality changes recompute.
    """
    locked = Project.objects.select_for_update().get(pk=project.pk)
    if locked.is_archived:
        raise Conflict("The project is archived; unarchive it to change its settings", details={"field": "__all__"})
    if not name.strip():
        raise SchemaError("A project needs a name", details={"field": "name", "fields": {"name": "A project needs a name"}})
    given = _known({**columns, **(values or {})})
    clean, merged = _validated(schema, given, {k: getattr(locked, k) for k in COLUMNS})
    renames = {old: new for old, new in (renames or {}).items() if old != new}
    if has_labels(locked):
        check_compatible(locked.schema, clean, renames)
    before = _snapshot(locked)
    if renames:
        labels_rename(project=locked, renames=renames)
    locked.name, locked.description, locked.schema = name.strip(), description, clean
    locked.overlap = clean["settings"]["overlap"]
    for column in COLUMNS:
        setattr(locked, column, merged[column])
    locked.save()
    _audit(locked, actor, before, _snapshot(locked), renames)
    if renames or _quality_changed(before, _snapshot(locked)):
        refresh_project_on_commit(locked.pk)
    return locked


def _validated(
    schema: dict[str, Any], given: dict[str, Any], columns: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the schema checked by schema_validate with the given settings written in, every
    setting's value by name); SchemaError lists every bad setting in details["fields"]."""
    stored = schema.get("settings") if isinstance(schema.get("settings"), dict) else {}
    stored = settings_store(stored, {k: v for k, v in given.items() if k not in COLUMNS})
    values = settings_read(columns={**columns, **given}, stored=stored)
    try:
        values = settings_validate(values)
        clean = schema_validate({**schema, "settings": settings_store(stored, _named(values, given))})
    except SchemaError as error:
        details = error.details if isinstance(error.details, dict) else {}
        field = details.get("field") or field_of(error.message)
        fields = details.get("fields") or {field: error.message}
        raise SchemaError(error.message, details={"field": field, "fields": fields}) from error
    return clean, values


def _known(given: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(given) - set(BY_NAME))
    if unknown:
        raise TypeError(f"not project settings: {', '.join(unknown)}")
    return given


def _named(values: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k in given and k not in COLUMNS}


def _snapshot(project: Project) -> dict[str, Any]:
    return {
        "name": project.name,
        "description": project.description,
        "labels": project.schema.get("labels"),
        "scale": project.schema.get("scale"),
        "level": project.schema.get("level"),
        **project_settings_values(project),
    }


def _audit(
    project: Project, actor: AbstractBaseUser | None, old: dict[str, Any], new: dict[str, Any],
    renames: dict[str, str],
) -> None:
    changed = [key for key in new if old.get(key) != new[key]]
    if not changed and not renames:
        return
    after = {key: new[key] for key in changed}
    if renames:
        after["renames"] = renames
    audit_record(
        project=project, actor=actor, action="project.settings_update", target_type="project",
        target_id=project.pk, before={key: old.get(key) for key in changed}, after=after,
    )


def _quality_changed(old: dict[str, Any], new: dict[str, Any]) -> bool:
    return any(old.get(key) != value for key, value in new.items() if key.startswith(QUALITY_PREFIXES))


def project_settings_merge(
    *,
    project: Project,
    actor: AbstractBaseUser | None,
    settings: dict[str, Any],
    name: str | None = None,
    description: str | None = None,
) -> Project:
    """The API's PATCH: apply the settings given (by name or in the stored shape); others keep
    their values; keys that are no setting of this list merge into schema.settings as they are
    (other features' settings, checked by schema_validate). Same checks and audit as the page.

    What is left of a "prelabel" object (the model server's url, auth, password or token,
    timeout, batch size) goes to labeling.services.model_server, which validates, encrypts the
    secret and audits it, in the same transaction.
    """
    values, rest = settings_from_patch(settings)
    with transaction.atomic():
        if "prelabel" in rest:
            project = model_server_settings_update(project=project, actor=actor, changes=rest.pop("prelabel"))
        return _merge(project, actor, values, rest, name, description)


def _merge(
    project: Project, actor: AbstractBaseUser | None, values: dict[str, Any], rest: dict[str, Any],
    name: str | None, description: str | None,
) -> Project:
    schema = {**project.schema, "settings": _deep_merge(project.settings, rest)}
    return project_settings_update(
        project=project, actor=actor, name=project.name if name is None else name,
        description=project.description if description is None else description,
        schema=schema, values=values,
    )


def _deep_merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


@transaction.atomic
def project_create_configured(
    *,
    actor: AbstractBaseUser,
    name: str,
    description: str,
    schema: dict[str, Any],
    values: dict[str, Any] | None = None,
    **columns: Any,
) -> Project:
    """Create a project with all its settings in one transaction; `actor` becomes its lead.

    Raises SchemaError (details name the field) or Conflict when the name is taken.
    """
    given = _known({**columns, **(values or {})})
    defaults = {name: BY_NAME[name].default for name in COLUMNS}
    clean, _ = _validated(schema, given, defaults)
    project = project_create(name=name, schema=clean, description=description, created_by=actor)
    return project_settings_update(
        project=project, actor=actor, name=name, description=description, schema=clean, values=given,
    )
