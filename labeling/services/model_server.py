"""A project's model server: its settings (secret encrypted, audited) and the access it is given.

Settings live in schema settings "prelabel" (labeling.prelabel.server_config), with
"secret_set" telling whether a password or token is stored; the secret itself is sealed in
ModelServerSecret and never shown back. At /setup Accord gives the server a token scoped to
reading the project's items and images (ApiToken scope "project_read"), as Label Studio gives
its ML backends an access token, so get_local_path can download images from Accord.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings as django_settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse

from labeling.exceptions import SchemaError
from labeling.models import ApiToken, Membership, ModelServerSecret, Project, Role
from labeling.prelabel.secret_box import secret_open, secret_seal
from labeling.prelabel.server_config import (
    ServerConfig,
    server_config_from,
    server_settings_validate,
)
from labeling.services.audit import audit_record
from labeling.services.tokens import KEY_BYTES, key_digest

READ_SCOPE = "project_read"


def prelabel_public(project: Project) -> dict[str, Any]:
    """The project's settings.prelabel object (never holds a secret)."""
    value = project.settings.get("prelabel") or {}
    return dict(value) if isinstance(value, dict) else {}


@transaction.atomic
def model_server_settings_update(
    *, project: Project, actor: AbstractBaseUser | None, changes: object
) -> Project:
    """Merge `changes` into settings.prelabel; store a new password or token encrypted.

    `changes` may hold url, auth ("none", "basic", "bearer"), username, password, token,
    timeout (seconds), batch_size, train_on_annotation and other prelabel keys (kept as they
    are). A password or token of None or absent keeps the stored one; "" clears it. Raises
    SchemaError with details {"field", "fields": {field: message}}. Writes one audit entry
    whose before/after never contain the secret (only whether it changed).
    """
    if not isinstance(changes, dict):
        raise SchemaError("settings.prelabel must be an object", details={"field": "prelabel"})
    locked = Project.objects.select_for_update().get(pk=project.pk)
    before = prelabel_public(locked)
    raw = {k: v for k, v in changes.items() if k != "secret_set"}
    public, secret = server_settings_validate(
        raw, before, secret_set=bool(before.get("secret_set"))
    )
    if secret is not None:
        _secret_store(locked, secret)
        public["secret_set"] = bool(secret)
    public.setdefault("secret_set", False)
    locked.schema = {**locked.schema, "settings": {**locked.settings, "prelabel": public}}
    locked.save(update_fields=["schema"])
    change = "unchanged" if secret is None else ("cleared" if secret == "" else "changed")
    audit_record(
        project=locked, actor=actor, action="prelabel.server_update", target_type="project",
        target_id=locked.pk, before=before, after={**public, "secret": change},
    )  # fmt: skip
    return locked


def _secret_store(project: Project, secret: str) -> None:
    if secret:
        ModelServerSecret.objects.update_or_create(
            project=project, defaults={"sealed": secret_seal(secret)}
        )
    else:
        ModelServerSecret.objects.filter(project=project).delete()


def model_server_config(project: Project) -> ServerConfig | None:
    """How to reach the project's model server (secret decrypted); None without a URL.

    Raises SecretUnreadable when the stored secret was sealed under another SECRET_KEY.
    """
    public = prelabel_public(project)
    if not public.get("url"):
        return None
    sealed = ModelServerSecret.objects.filter(project=project).values_list("sealed", flat=True).first()
    return server_config_from(public, secret_open(sealed) if sealed else "")


def model_server_project_key(project: Project) -> str:
    """The project id as Label Studio sends it to ML backends: "<id>.<created timestamp>"."""
    return f"{project.pk}.{int(project.created_at.timestamp())}"


def public_base_url() -> str:
    """Accord's address as model servers reach it (ACCORD_PUBLIC_URL, no trailing slash)."""
    return str(getattr(django_settings, "ACCORD_PUBLIC_URL", "") or "").rstrip("/")


def item_image_url(project_id: int, item_id: int) -> str:
    """The absolute URL of an item's image endpoint (what a model server downloads)."""
    path = reverse("api-item-image", kwargs={"project_id": project_id, "item_id": item_id})
    return public_base_url() + path


@transaction.atomic
def model_server_token_issue(*, project: Project, user: AbstractBaseUser | None) -> str:
    """A fresh key scoped to reading `project`'s items and images; earlier ones are revoked.

    The token belongs to `user` when they lead the project, else to the project's first lead
    (it reads what that lead may read, and only in this project). Returns "" when the project
    has no active lead to own it. The key itself is returned once and never stored.
    """
    owner = _token_owner(project, user)
    if owner is None:
        return ""
    ApiToken.objects.filter(project=project, scope=READ_SCOPE).delete()
    key = secrets.token_urlsafe(KEY_BYTES)
    ApiToken.objects.create(
        user=owner, name=f"Model server of project {project.pk} (read-only)",
        key_hash=key_digest(key), prefix=key[:8], project=project, scope=READ_SCOPE,
    )  # fmt: skip
    return key


def _token_owner(project: Project, user: AbstractBaseUser | None) -> AbstractBaseUser | None:
    leads = Membership.objects.filter(project=project, role=Role.LEAD, user__is_active=True)
    if user is not None and leads.filter(user_id=user.pk).exists():
        return user
    first = leads.select_related("user").order_by("id").first()
    return first.user if first else None
