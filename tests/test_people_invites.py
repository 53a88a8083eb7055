"""Invite links: signed, expiring, single-use, revocable; created by leads, accepted by anyone."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from labeling.exceptions import Conflict, SchemaError
from labeling.models import Invite, Membership, Role
from labeling.services.invites import (
    InviteInvalid,
    invite_accept,
    invite_accept_new_user,
    invite_create,
    invite_revoke,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _logged_in(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _accept_url(token: str) -> str:
    return reverse("invite-accept", args=[token])


# --- services --------------------------------------------------------------------------------


def test_an_accepted_invite_adds_the_user_with_its_role(project, lead, outsider):
    invite, token = invite_create(project=project, actor=lead, role=Role.REVIEWER)
    membership = invite_accept(token=token, user=outsider)
    invite.refresh_from_db()
    assert (membership.project, membership.role) == (project, Role.REVIEWER)
    assert (invite.accepted_by, invite.accepted_at is not None) == (outsider, True)


def test_an_invite_works_once(project, lead, outsider):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    invite_accept(token=token, user=outsider)
    with pytest.raises(InviteInvalid, match="used already"):
        invite_accept(token=token, user=UserFactory(username="second"))
    assert not Membership.objects.filter(user__username="second").exists()


def test_a_revoked_invite_is_refused(project, lead, outsider):
    invite, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    invite_revoke(project=project, invite_id=invite.pk)
    with pytest.raises(InviteInvalid, match="withdrawn"):
        invite_accept(token=token, user=outsider)


def test_an_invite_past_its_expiry_row_is_refused(project, lead, outsider):
    invite, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    Invite.objects.filter(pk=invite.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(InviteInvalid, match="expired"):
        invite_accept(token=token, user=outsider)


def test_a_signature_older_than_the_max_age_is_refused(project, lead, outsider, settings):
    settings.ACCORD_INVITE_MAX_AGE = 3600
    with mock.patch("time.time", return_value=time.time() - 7200):
        _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    with pytest.raises(InviteInvalid, match="expired"):
        invite_accept(token=token, user=outsider)


def test_the_lifetime_setting_sets_the_expiry(project, lead, settings):
    settings.ACCORD_INVITE_MAX_AGE = 2 * 86400
    invite, _ = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    lifetime = invite.expires_at - invite.created_at
    assert timedelta(days=2) - timedelta(seconds=5) < lifetime <= timedelta(days=2)


def test_a_tampered_token_is_refused(project, lead, outsider):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    with pytest.raises(InviteInvalid, match="not valid"):
        invite_accept(token=token[:-2] + ("aa" if not token.endswith("aa") else "bb"), user=outsider)


def test_an_existing_member_keeps_their_role_and_the_invite_stays_open(project, lead, annotator):
    invite, token = invite_create(project=project, actor=lead, role=Role.LEAD)
    with pytest.raises(Conflict):
        invite_accept(token=token, user=annotator)
    invite.refresh_from_db()
    assert Membership.objects.get(project=project, user=annotator).role == Role.ANNOTATOR
    assert invite.accepted_at is None


def test_an_unknown_role_is_refused(project, lead):
    with pytest.raises(SchemaError):
        invite_create(project=project, actor=lead, role="owner")


def test_a_new_account_from_an_invite_can_log_in(project, lead):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    membership = invite_accept_new_user(token=token, username="dana", password="long-enough-pw")
    assert membership.user.check_password("long-enough-pw")
    assert membership.role == Role.ANNOTATOR


def test_a_bad_invite_creates_no_account(project, lead):
    invite, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    invite_revoke(project=project, invite_id=invite.pk)
    with pytest.raises(InviteInvalid):
        invite_accept_new_user(token=token, username="dana", password="long-enough-pw")
    assert not get_user_model().objects.filter(username="dana").exists()


def test_invites_leave_an_audit_trail(project, lead, outsider):
    from labeling.models import AuditEntry

    first, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    invite_accept(token=token, user=outsider)
    second, _ = invite_create(project=project, actor=lead, role=Role.LEAD)
    invite_revoke(project=project, invite_id=second.pk, actor=lead)
    trail = list(
        AuditEntry.objects.filter(project=project, target_type="invite")
        .order_by("id")
        .values_list("action", "actor__username", "target_id")
    )
    assert trail == [
        ("invite.create", "lead", str(first.pk)),
        ("invite.accept", "outsider", str(first.pk)),
        ("invite.create", "lead", str(second.pk)),
        ("invite.revoke", "lead", str(second.pk)),
    ]
