"""The API docs render from drf-spectacular-sidecar's files under the pages' own CSP (#17)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_swagger_ui_lists_the_operations_without_loading_anything_from_another_origin(page):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{page.base}/api/docs/")
    wait_until(page, "() => document.querySelectorAll('.opblock').length > 20")

    assert page.locator(".opblock-summary-path", has_text="/api/projects/{project_id}/next").count()
    assert [url for url in requests if not url.startswith(page.base)] == []


def test_redoc_renders_the_schema_without_loading_anything_from_another_origin(page):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{page.base}/api/docs/redoc/")
    wait_until(page, "() => document.body.innerText.includes('Accord API')", timeout=20)

    assert "/api/projects/{project_id}/agreement" in page.inner_text("body")
    assert [url for url in requests if not url.startswith(page.base)] == []
