"""Every response carries a Content-Security-Policy; templates hold no inline script (#21)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory

from config.csp import ContentSecurityPolicyMiddleware

TEMPLATES = Path(__file__).resolve().parents[1] / "frontend" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.IGNORECASE)


def directives(header: str) -> dict[str, list[str]]:
    return {
        part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/login/", "/api/projects", "/no-such-page/", "/api/docs/", "/api/docs/redoc/"]
)
def test_every_response_carries_a_policy_that_runs_only_accords_scripts(path):
    response = Client().get(path)
    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]


@pytest.mark.django_db
def test_only_the_redoc_page_may_start_a_worker_from_a_blob_url():
    redoc = directives(Client().get("/api/docs/redoc/")["Content-Security-Policy"])
    swagger = directives(Client().get("/api/docs/")["Content-Security-Policy"])
    assert redoc["worker-src"] == ["'self'", "blob:"]
    assert redoc["script-src"] == ["'self'"]
    assert "worker-src" not in swagger


def test_a_view_that_sets_its_own_policy_keeps_it():
    def view(request):
        response = HttpResponse(b"img")
        response["Content-Security-Policy"] = "sandbox"
        return response

    response = ContentSecurityPolicyMiddleware(view)(RequestFactory().get("/x"))
    assert response["Content-Security-Policy"] == "sandbox"


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_hold_no_inline_script_or_event_handler(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text)
    assert not EVENT_HANDLER.search(text)
    assert not JS_URL.search(text)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/docs/", "/api/docs/redoc/"])
def test_the_api_docs_load_only_local_files_and_hold_no_inline_script(path):
    response = Client().get(path)
    html = response.content.decode()

    assert response.status_code == 200
    assert not INLINE_SCRIPT.search(html)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    assert [url for url in sources if not url.startswith("/")] == []
    assert any("drf_spectacular_sidecar" in url for url in sources)


@pytest.mark.django_db
def test_the_swagger_bootstrap_is_a_script_file_of_accords_own():
    response = Client().get("/api/docs/?script=")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()
