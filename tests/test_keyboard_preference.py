"""The per-user switch for single-key shortcuts (WCAG 2.1.4): stored, shown, put on <body>."""

from __future__ import annotations

import pytest

from labeling import selectors
from labeling.models import LabelingPreference
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_shortcuts_are_on_for_a_user_who_never_chose(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get("/account/keyboard/")
    assert page.status_code == 200
    assert 'data-shortcuts="on"' in page.content.decode()
    assert selectors.shortcuts_enabled(user=user) is True


def test_unticking_the_box_turns_shortcuts_off_on_every_page(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post("/account/keyboard/", {})
    assert response.status_code == 302
    assert LabelingPreference.objects.get(user=user).shortcuts_enabled is False
    assert 'data-shortcuts="off"' in client.get("/").content.decode()


def test_ticking_the_box_turns_them_back_on_and_touches_no_other_user(client):
    user, other = UserFactory(), UserFactory()
    LabelingPreference.objects.create(user=other, shortcuts_enabled=False)
    client.force_login(user)
    client.post("/account/keyboard/", {})
    client.post("/account/keyboard/", {"shortcuts": "on"})
    assert selectors.shortcuts_enabled(user=user) is True
    assert selectors.shortcuts_enabled(user=other) is False


def test_the_page_needs_a_login(client):
    response = client.get("/account/keyboard/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]
