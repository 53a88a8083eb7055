"""Passwords: reset by email (Django's views, our templates) and change while logged in."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", email="alice@example.org")


def test_a_reset_email_carries_a_link_that_sets_a_new_password(alice):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": "alice@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your Accord password"
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url  # Django swaps the token for a session and redirects
    response = client.post(form_url, {"new_password1": "brand-new-pw-1", "new_password2": "brand-new-pw-1"})
    assert response.url == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password("brand-new-pw-1")


def test_an_unknown_address_gets_the_same_answer_and_no_email(db):
    response = Client().post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_used_reset_link_says_so(alice):
    client = Client()
    client.post(reverse("password_reset"), {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body)[1]
    form_url = client.get(link).url
    client.post(form_url, {"new_password1": "brand-new-pw-1", "new_password2": "brand-new-pw-1"})
    page = Client().get(link, follow=True).content.decode()
    assert "Link no longer valid" in page


@pytest.mark.parametrize(
    "name", ["password_reset", "password_reset_done", "password_reset_complete", "login"]
)
def test_the_reset_pages_render_in_the_accord_layout(db, name):
    page = Client().get(reverse(name)).content.decode()
    assert 'class="card narrow"' in page
    assert "Django administration" not in page


def test_the_login_page_links_the_reset_page(db):
    assert reverse("password_reset") in Client().get(reverse("login")).content.decode()


def test_a_user_changes_their_password(alice):
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": "pw-secret-123", "new_password1": "changed-pw-22", "new_password2": "changed-pw-22"},
    )
    assert response.url == reverse("password_change_done")
    alice.refresh_from_db()
    assert alice.check_password("changed-pw-22")
    assert client.get(reverse("password_change_done")).status_code == 200


def test_a_wrong_old_password_changes_nothing(alice):
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "changed-pw-22", "new_password2": "changed-pw-22"},
    )
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("pw-secret-123")


def test_changing_a_password_needs_a_login(db):
    response = Client().get(reverse("password_change"))
    assert (response.status_code, response.url.startswith(reverse("login"))) == (302, True)
