"""Site permissions: who may create projects, the site people page, and project visibility."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from labeling.models import Project
from labeling.permissions import can_create_projects
from labeling.services.people import project_creator_set
from tests.factories import SINGLE_SCHEMA, MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def _logged_in(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def admin_user(db):
    return UserFactory(username="siteadmin", is_staff=True)


# --- who may create projects -----------------------------------------------------------


@pytest.mark.parametrize("persona", ["annotator", "reviewer", "lead", "outsider"])
def test_without_the_permission_the_new_project_page_is_403(persona, request, project):
    user = request.getfixturevalue(persona)
    assert _logged_in(user).get(reverse("lead-project-new")).status_code == 403
    response = _logged_in(user).post(reverse("lead-project-new"), {"name": "Sneaky"})
    assert response.status_code == 403
    assert not Project.objects.filter(name="Sneaky").exists()


def test_with_the_permission_the_new_project_page_opens(outsider):
    project_creator_set(user=outsider, allowed=True)
    assert _logged_in(outsider).get(reverse("lead-project-new")).status_code == 200


def test_the_new_project_page_sends_anonymous_visitors_to_log_in(db):
    response = _logged_in().get(reverse("lead-project-new"))
    assert (response.status_code, response.url.startswith(reverse("login"))) == (302, True)


@pytest.mark.parametrize(("allowed", "status"), [(False, 403), (True, 201)])
def test_the_projects_api_needs_the_permission_to_create(allowed, status, api_as, lead):
    project_creator_set(user=lead, allowed=allowed)
    response = api_as(lead).post(
        reverse("api-projects"), {"name": "Via API", "schema": SINGLE_SCHEMA}, format="json"
    )
    assert response.status_code == status
    assert Project.objects.filter(name="Via API").exists() is allowed


def test_superusers_may_always_create_projects(db):
    assert can_create_projects(UserFactory(username="root", is_superuser=True))


def test_an_inactive_user_may_not_create_projects(outsider):
    project_creator_set(user=outsider, allowed=True)
    outsider.is_active = False
    assert not can_create_projects(outsider)


def test_seed_demo_lets_only_the_demo_lead_create_projects(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = {user.username: user for user in get_user_model().objects.all()}
    assert can_create_projects(users["lead"])
    assert not any(can_create_projects(users[name]) for name in ("reviewer", "annotator1"))


# --- the site people page ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("annotator", 403), ("lead", 403), ("siteadmin", 200)],
)
def test_only_site_administrators_open_the_people_page(persona, status, annotator, lead, admin_user):
    users = {"annotator": annotator, "lead": lead, "siteadmin": admin_user}
    assert _logged_in(users.get(persona)).get(reverse("site-people")).status_code == status


def test_the_people_page_lists_every_account_with_its_permission(admin_user, lead, annotator):
    project_creator_set(user=lead, allowed=True)
    page = _logged_in(admin_user).get(reverse("site-people")).content.decode()
    lead_row = page.split(f'data-user="{lead.username}"', 1)[1].split("</tr>", 1)[0]
    annotator_row = page.split(f'data-user="{annotator.username}"', 1)[1].split("</tr>", 1)[0]
    assert "creator-yes" in lead_row
    assert "creator-no" in annotator_row


@pytest.mark.parametrize(
    ("persona", "status"), [("annotator", 403), ("lead", 403), ("siteadmin", 302)]
)
def test_only_site_administrators_grant_the_permission(persona, status, annotator, lead, admin_user):
    users = {"annotator": annotator, "lead": lead, "siteadmin": admin_user}
    response = _logged_in(users[persona]).post(
        reverse("site-people-creator", args=[annotator.pk]), {"allowed": "1"}
    )
    annotator.refresh_from_db()
    assert response.status_code == status
    assert can_create_projects(annotator) is (persona == "siteadmin")


def test_a_site_administrator_withdraws_the_permission(admin_user, lead):
    project_creator_set(user=lead, allowed=True)
    _logged_in(admin_user).post(reverse("site-people-creator", args=[lead.pk]), {"allowed": "0"})
    lead.refresh_from_db()
    assert not can_create_projects(lead)


def test_a_site_administrator_creates_an_account_that_may_create_projects(admin_user):
    response = _logged_in(admin_user).post(
        reverse("site-people"),
        {"username": "maker", "password": "long-enough-pw", "creator": "1"},
    )
    assert response.status_code == 302
    maker = get_user_model().objects.get(username="maker")
    assert maker.check_password("long-enough-pw")
    assert can_create_projects(maker)


def test_creating_an_account_is_refused_to_non_staff(lead):
    response = _logged_in(lead).post(
        reverse("site-people"), {"username": "maker", "password": "long-enough-pw"}
    )
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="maker").exists()


def test_the_header_links_site_people_only_for_staff(admin_user, lead):
    assert reverse("site-people") in _logged_in(admin_user).get("/").content.decode()
    assert reverse("site-people") not in _logged_in(lead).get("/").content.decode()


# --- a user sees only their projects ----------------------------------------------------


def test_home_and_the_projects_api_show_only_my_projects(api_as, project, annotator):
    hidden = ProjectFactory(name="Somebody else's")
    MembershipFactory(project=hidden, user=UserFactory(username="stranger"))
    home = _logged_in(annotator).get("/").content.decode()
    listed = [row["name"] for row in api_as(annotator).get(reverse("api-projects")).json()["results"]]
    assert project.name in home
    assert hidden.name not in home
    assert listed == [project.name]


def test_a_site_administrator_invites_to_a_project_they_are_not_in(admin_user, project, outsider):
    client = _logged_in(admin_user)
    response = client.post(reverse("site-people-invite"), {"project": project.pk, "role": "reviewer"})
    assert response.status_code == 302
    page = client.get(reverse("site-people")).content.decode()
    url = page.split('id="site-invite-url">http://testserver', 1)[1].split("<", 1)[0]
    _logged_in(outsider).post(url)
    assert project.memberships.get(user=outsider).role == "reviewer"
    assert 'id="site-invite-url"' not in client.get(reverse("site-people")).content.decode()


@pytest.mark.parametrize("persona", ["annotator", "lead"])
def test_only_site_administrators_invite_from_the_people_page(persona, request, project):
    user = request.getfixturevalue(persona)
    response = _logged_in(user).post(
        reverse("site-people-invite"), {"project": project.pk, "role": "lead"}
    )
    assert response.status_code == 403
    assert not project.invites.exists()


def test_granting_the_permission_is_audited_with_the_administrator(admin_user, lead):
    from labeling.models import AuditEntry

    _logged_in(admin_user).post(reverse("site-people-creator", args=[lead.pk]), {"allowed": "1"})
    entry = AuditEntry.objects.get(action="site.project_creator")
    assert (entry.actor, entry.target_id, entry.after) == (
        admin_user,
        str(lead.pk),
        {"user": "lead", "allowed": True},
    )
