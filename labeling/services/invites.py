"""Invite links: a lead signs a URL carrying project and role; the first person to open it
before it expires joins the project with that role. Rows make links revocable and single-use;
the signature (django.core.signing, max_age) makes them unforgeable and expiring."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core import signing
from django.db import transaction
from django.utils import timezone

from labeling.choices import Role
from labeling.exceptions import AccordError, Conflict, NotFound, SchemaError
from labeling.models import Invite, Membership, Project
from labeling.services.audit import audit_record
from labeling.services.people import user_create
from labeling.services.projects import membership_set

SALT = "accord.invite"


class InviteInvalid(AccordError):
    """The link is forged, expired, revoked or used already."""

    status_code = 410
    code = "invite_invalid"


def invite_lifetime() -> timedelta:
    """How long a new link stays valid (settings.ACCORD_INVITE_MAX_AGE, in seconds)."""
    return timedelta(seconds=settings.ACCORD_INVITE_MAX_AGE)


@transaction.atomic
def invite_create(
    *, project: Project, actor: AbstractBaseUser, role: str, note: str = ""
) -> tuple[Invite, str]:
    """A new invite and its signed token (put it in the accept URL). The caller checks that
    `actor` leads the project. Raises SchemaError for an unknown role."""
    if role not in Role.values:
        raise SchemaError(
            f"role must be one of {', '.join(Role.values)}", details={"field": "role"}
        )
    invite = Invite.objects.create(
        project=project,
        role=role,
        note=note.strip()[:200],
        created_by=actor,
        expires_at=timezone.now() + invite_lifetime(),
    )
    after = {"role": role, "expires_at": invite.expires_at.isoformat()}
    audit_record(
        project=project,
        actor=actor,
        action="invite.create",
        target_type="invite",
        target_id=invite.pk,
        after=after,
    )
    return invite, invite_token(invite)


def invite_token(invite: Invite) -> str:
    """The signed, timestamped token of an invite (project and role inside, checked on use)."""
    payload = {"i": invite.pk, "p": invite.project_id, "r": invite.role}
    return signing.dumps(payload, salt=SALT, compress=True)


def invite_for_token(token: str, *, lock: bool = False) -> Invite:
    """The open invite a token stands for; InviteInvalid when forged, expired, revoked or used."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=invite_lifetime())
    except signing.SignatureExpired as error:
        raise InviteInvalid(
            "This invite link has expired. Ask the project lead for a new one."
        ) from error
    except signing.BadSignature as error:
        raise InviteInvalid("This invite link is not valid.") from error
    invites = Invite.objects.select_related("project")
    if lock:
        invites = invites.select_for_update(of=("self",))
    invite = invites.filter(
        pk=payload.get("i"), project_id=payload.get("p"), role=payload.get("r")
    ).first()
    if invite is None or invite.revoked_at is not None:
        raise InviteInvalid("This invite link was withdrawn. Ask the project lead for a new one.")
    if invite.accepted_at is not None:
        raise InviteInvalid("This invite link has been used already.")
    if invite.expires_at <= timezone.now():
        raise InviteInvalid("This invite link has expired. Ask the project lead for a new one.")
    return invite


@transaction.atomic
def invite_accept(*, token: str, user: AbstractBaseUser) -> Membership:
    """Join the invite's project with its role, and use the invite up (row-locked: once).

    Raises InviteInvalid, or Conflict when the user is a member already (the invite stays open).
    """
    invite = invite_for_token(token, lock=True)
    current = Membership.objects.filter(project=invite.project, user_id=user.pk).first()
    if current is not None:
        raise Conflict(f"You are already a {current.role} of {invite.project.name}.")
    membership = membership_set(project=invite.project, user=user, role=invite.role)
    invite.accepted_by, invite.accepted_at = user, timezone.now()  # type: ignore[assignment]
    invite.save(update_fields=["accepted_by", "accepted_at"])
    audit_record(
        project=invite.project,
        actor=user,
        action="invite.accept",
        target_type="invite",
        target_id=invite.pk,
        after={"user": user.get_username(), "role": invite.role},
    )
    return membership


@transaction.atomic
def invite_accept_new_user(*, token: str, username: str, password: str) -> Membership:
    """Create an account (errors as people.user_create) and accept the invite with it."""
    invite_for_token(token)  # refuse a bad link before creating anyone
    user = user_create(username=username, password=password)
    return invite_accept(token=token, user=user)


@transaction.atomic
def invite_revoke(
    *, project: Project, invite_id: int, actor: AbstractBaseUser | None = None
) -> Invite:
    """Withdraw an open invite of the project; NotFound for another project's or a used one."""
    invite = Invite.objects.select_for_update().filter(project=project, pk=invite_id).first()
    if invite is None or invite.accepted_at is not None:
        raise NotFound("No such open invite")
    if invite.revoked_at is None:
        invite.revoked_at = timezone.now()
        invite.save(update_fields=["revoked_at"])
        audit_record(
            project=project,
            actor=actor,
            action="invite.revoke",
            target_type="invite",
            target_id=invite.pk,
        )
    return invite
