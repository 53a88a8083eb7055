"""The API docs render from drf-spectacular-sidecar's files under the pages' own CSP (#17)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

# ReDoc's bundle always asks for its footer logo from this URL; the CSP refuses it.
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


def test_swagger_ui_lists_the_operations_without_loading_anything_from_another_origin(page):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(f"{page.base}/api/docs/", timeout=30_000)
    wait_until(page, "() => document.querySelectorAll('.opblock').length > 20", timeout=30)

    assert page.locator(".opblock-summary-path", has_text="/api/projects/{project_id}/next").count()
    assert [url for url in requests if not url.startswith(page.base)] == []


def test_redoc_renders_the_schema_and_its_one_foreign_image_is_refused(page):
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("requestfinished", lambda request: requests.append(f"finished {request.url}"))

    page.goto(f"{page.base}/api/docs/redoc/", timeout=30_000)
    wait_until(page, "() => document.body.innerText.includes('Accord API')", timeout=30)
    wait_until(page, "() => document.body.innerText.includes('/api/projects/{project_id}/agreement')")

    # The search index's worker comes from a blob: URL of this origin (allowed on this page only).
    own = (page.base, f"blob:{page.base}", "finished")
    assert [url for url in requests if not url.startswith(own)] in ([], [REDOC_LOGO])
    assert f"finished {REDOC_LOGO}" not in requests
    page.csp_violations[:] = [v for v in page.csp_violations if REDOC_LOGO not in v]


def test_redoc_search_finds_an_operation_under_the_policy(page):
    page.goto(f"{page.base}/api/docs/redoc/", timeout=30_000)
    wait_until(page, "() => document.body.innerText.includes('Accord API')", timeout=30)
    search = page.get_by_placeholder("Search...")
    search.fill("agreement")
    wait_until(
        page,
        "() => [...document.querySelectorAll('[data-role=\"search:results\"] li, [role=search] li, .search-results li')]"
        ".some(li => li.innerText.toLowerCase().includes('agreement'))",
        timeout=30,
    )
    page.csp_violations[:] = [v for v in page.csp_violations if REDOC_LOGO not in v]
