"""Invite pages: leads create and revoke links on the members page; anyone opens a link and joins."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from labeling.models import Invite, Membership, Role
from labeling.services.invites import (
    invite_accept,
    invite_create,
)
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _logged_in(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _accept_url(token: str) -> str:
    return reverse("invite-accept", args=[token])


# --- lead actions on the members page -----------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("outsider", 404), ("annotator", 403), ("reviewer", 403), ("lead", 302)],
)
def test_only_leads_create_invites(persona, status, project, lead, reviewer, annotator, outsider):
    users = {"outsider": outsider, "annotator": annotator, "reviewer": reviewer, "lead": lead}
    client = _logged_in(users.get(persona))
    response = client.post(reverse("lead-invite-new", args=[project.pk]), {"role": "annotator"})
    assert response.status_code == status
    assert Invite.objects.exists() is (persona == "lead")


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 404), ("annotator", 403), ("reviewer", 403), ("lead", 302)]
)
def test_only_leads_revoke_invites(persona, status, project, lead, reviewer, annotator, outsider):
    invite, _ = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    users = {"outsider": outsider, "annotator": annotator, "reviewer": reviewer, "lead": lead}
    response = _logged_in(users[persona]).post(
        reverse("lead-invite-revoke", args=[project.pk, invite.pk])
    )
    invite.refresh_from_db()
    assert response.status_code == status
    assert (invite.revoked_at is not None) is (persona == "lead")


def test_a_lead_cannot_revoke_another_projects_invite(project, lead):
    other = ProjectFactory()
    MembershipFactory(project=other, user=UserFactory(username="other-lead"), role=Role.LEAD)
    invite, _ = invite_create(project=other, actor=lead, role=Role.ANNOTATOR)
    _logged_in(lead).post(reverse("lead-invite-revoke", args=[project.pk, invite.pk]))
    invite.refresh_from_db()
    assert invite.revoked_at is None


def test_the_members_page_lists_open_invites_with_expiry_link_and_revoke(project, lead):
    invite, _ = invite_create(project=project, actor=lead, role=Role.REVIEWER, note="for <Dana>")
    used, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    invite_accept(token=token, user=UserFactory(username="joined"))
    page = _logged_in(lead).get(reverse("lead-members", args=[project.pk])).content.decode()
    assert f'data-invite="{invite.pk}"' in page
    assert f'data-invite="{used.pk}"' not in page
    assert "for &lt;Dana&gt;" in page
    assert "http://testserver/invite/" in page
    assert reverse("lead-invite-revoke", args=[project.pk, invite.pk]) in page
    assert invite.expires_at.strftime("%Y-%m-%d %H:%M") in page


def test_a_link_from_the_members_page_works(project, lead, outsider):
    _logged_in(lead).post(reverse("lead-invite-new", args=[project.pk]), {"role": "reviewer"})
    page = _logged_in(lead).get(reverse("lead-members", args=[project.pk])).content.decode()
    url = page.split('class="invite-url" readonly value="http://testserver', 1)[1].split('"', 1)[0]
    _logged_in(outsider).post(url)
    assert Membership.objects.get(project=project, user=outsider).role == Role.REVIEWER


@pytest.mark.parametrize(
    ("persona", "status"), [("outsider", 404), ("annotator", 403), ("reviewer", 403), ("lead", 302)]
)
def test_only_leads_create_accounts_for_their_project(
    persona, status, project, lead, reviewer, annotator, outsider
):
    users = {"outsider": outsider, "annotator": annotator, "reviewer": reviewer, "lead": lead}
    response = _logged_in(users[persona]).post(
        reverse("lead-member-new-account", args=[project.pk]),
        {"username": "newbie", "password": "long-enough-pw", "role": "annotator"},
    )
    assert response.status_code == status
    created = Membership.objects.filter(project=project, user__username="newbie").exists()
    assert created is (persona == "lead")


def test_a_taken_username_is_reported_and_nothing_changes(project, lead, annotator):
    response = _logged_in(lead).post(
        reverse("lead-member-new-account", args=[project.pk]),
        {"username": annotator.username, "password": "long-enough-pw", "role": "lead"},
        follow=True,
    )
    assert "is taken" in response.content.decode()
    assert Membership.objects.get(project=project, user=annotator).role == Role.ANNOTATOR


# --- the invite page ----------------------------------------------------------------------


def test_the_invite_page_names_project_and_role(project, lead):
    _, token = invite_create(project=project, actor=lead, role=Role.REVIEWER)
    response = _logged_in().get(_accept_url(token))
    page = response.content.decode()
    assert response.status_code == 200
    assert project.name in page
    assert "reviewer" in page


def test_a_new_user_signs_up_from_the_link_and_is_logged_in(project, lead):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    client = _logged_in()
    response = client.post(
        _accept_url(token),
        {"username": "dana", "password": "long-enough-pw", "password2": "long-enough-pw"},
    )
    assert response.status_code == 302
    home = client.get("/").content.decode()
    assert project.name in home
    assert Membership.objects.get(user__username="dana").role == Role.ANNOTATOR


def test_mismatched_passwords_create_nobody(project, lead):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    response = _logged_in().post(
        _accept_url(token), {"username": "dana", "password": "long-enough-pw", "password2": "x"}
    )
    assert response.status_code == 400
    assert not get_user_model().objects.filter(username="dana").exists()


def test_a_short_password_is_explained(project, lead):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    response = _logged_in().post(
        _accept_url(token), {"username": "dana", "password": "short", "password2": "short"}
    )
    assert response.status_code == 400
    assert "too short" in response.content.decode()


def test_a_logged_in_user_joins_with_their_account(project, lead, outsider):
    _, token = invite_create(project=project, actor=lead, role=Role.REVIEWER)
    response = _logged_in(outsider).post(_accept_url(token))
    assert response.status_code == 302
    assert Membership.objects.get(project=project, user=outsider).role == Role.REVIEWER


def test_a_used_link_shows_why_with_410(project, lead, outsider):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    invite_accept(token=token, user=outsider)
    response = _logged_in().get(_accept_url(token))
    assert response.status_code == 410
    assert "used already" in response.content.decode()


def test_a_forged_link_shows_410(db):
    response = _logged_in().get(_accept_url("not-a-real-token"))
    assert response.status_code == 410


def test_someone_with_an_account_logs_in_from_the_link_and_comes_back_to_join(project, lead, outsider):
    _, token = invite_create(project=project, actor=lead, role=Role.ANNOTATOR)
    client = _logged_in()
    page = client.get(_accept_url(token)).content.decode()
    assert f"{reverse('login')}?next=/invite/" in page
    response = client.post(
        reverse("login"),
        {"username": outsider.username, "password": "pw-secret-123", "next": _accept_url(token)},
    )
    assert response.url == _accept_url(token)
    assert f"Join as {outsider.username}" in client.get(_accept_url(token)).content.decode()

