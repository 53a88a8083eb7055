"""Guideline images load only from Accord unless the project allows hosts (issue #21)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from guidelines.markdown import image_source_allowed, render_markdown
from labeling.exceptions import SchemaError
from labeling.models import Project
from labeling.schema import schema_validate
from tests.factories_guidelines import publish
from tests.test_lead_pages import _settings_post

PIXEL = "![pixel](https://tracker.example.com/p.gif?u=1)"


def test_an_external_image_is_dropped_but_its_alt_text_stays():
    html = render_markdown(PIXEL)
    assert "tracker.example.com" not in html
    assert 'alt="pixel"' in html


@pytest.mark.parametrize(
    "src",
    [
        "//tracker.example.com/p.gif",
        "/\\tracker.example.com/p.gif",
        "\\\\tracker.example.com/p.gif",
        "http://tracker.example.com/p.gif",
        "https:tracker.example.com/p.gif",
        " https://tracker.example.com/p.gif",
        "data:text/html,<script>alert(1)</script>",
        "javascript:alert(1)",
    ],
)
def test_image_sources_that_leave_accord_are_refused(src):
    assert not image_source_allowed(src)
    assert "tracker" not in render_markdown(f'<img src="{src}" alt="x">')


@pytest.mark.parametrize(
    "src", ["/media/guide/cat.png", "cat.png", "../media/x.png", "data:image/png;base64,iVBORw0KGgo="]
)
def test_same_origin_and_data_image_sources_are_kept(src):
    assert image_source_allowed(src)
    assert f'src="{src}"' in render_markdown(f"![cat]({src})")


def test_a_host_the_project_allows_is_kept_and_others_are_not():
    html = render_markdown(
        "![a](https://img.example.org/a.png) ![b](https://img.example.org.evil.com/b.png)",
        image_hosts=["img.example.org"],
    )
    assert 'src="https://img.example.org/a.png"' in html
    assert "evil.com" not in html


@pytest.mark.parametrize("hosts", ["img.example.org", ["https://img.example.org"], ["a/b"], [3]])
def test_bad_guideline_image_hosts_are_refused_by_the_schema(hosts):
    raw = {"kind": "single", "labels": [{"value": "a"}], "settings": {"guideline_image_hosts": hosts}}
    with pytest.raises(SchemaError, match="guideline_image_hosts"):
        schema_validate(raw)


def test_the_settings_page_stores_the_allowed_hosts(project, lead):
    client = Client()
    client.force_login(lead)
    url = reverse("lead-settings", kwargs={"project_id": project.pk})
    data = _settings_post(name=project.name, guideline_image_hosts="img.example.org, CDN.example.net")
    assert client.post(url, data).status_code == 302
    stored = Project.objects.get(pk=project.pk).settings
    assert stored["guideline_image_hosts"] == ["img.example.org", "cdn.example.net"]
    assert "img.example.org cdn.example.net" in client.get(url).content.decode()  # one per space


def test_the_settings_page_explains_a_bad_host(project, lead):
    client = Client()
    client.force_login(lead)
    url = reverse("lead-settings", kwargs={"project_id": project.pk})
    response = client.post(url, _settings_post(name=project.name, guideline_image_hosts="http://x"))
    assert response.status_code == 400
    assert 'id="error-guideline_image_hosts"' in response.content.decode()


def test_the_guideline_page_and_api_honour_the_projects_hosts(project, lead, api_as):
    project.schema = {**project.schema, "settings": {**project.settings, "guideline_image_hosts": ["img.example.org"]}}
    project.save()
    publish(project, lead, f"{PIXEL}\n\n![ok](https://img.example.org/a.png)\n")
    client = Client()
    client.force_login(lead)
    response = client.get(reverse("guideline", kwargs={"project_id": project.pk}))
    page = response.content.decode()
    assert "tracker.example.com" not in page
    assert 'src="https://img.example.org/a.png"' in page
    assert "img-src 'self' data: img.example.org" in response["Content-Security-Policy"]
    api = api_as(lead).get(f"/api/projects/{project.pk}/guideline/versions/1").json()
    assert "tracker.example.com" not in api["html"]
    assert "img.example.org/a.png" in api["html"]
