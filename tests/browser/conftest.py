"""Playwright driving Debian's Chromium against pytest-django's live server.

Browser tests skip on a developer machine without /usr/bin/chromium and fail in CI (CI=true).
Screenshots go to var/screenshots/ (kept as CI artifacts).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

# The session's one Chromium lives in tests/conftest.py so tests/security shares it.
from tests.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401 - re-exported

# Playwright's sync API runs an event loop in this thread; Django's async-safety check would
# otherwise refuse the ORM calls that tests make between browser steps.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

pytestmark = pytest.mark.browser


# Content-Security-Policy violations: the page reports each one as a securitypolicyviolation
# event (logged with this marker) and Chromium logs its own "Refused to ..." console error.
CSP_MARKER = "CSP violation:"
CSP_LISTENER = f"""
document.addEventListener("securitypolicyviolation", (event) => {{
  console.error("{CSP_MARKER} " + event.violatedDirective + " blocked " + event.blockedURI
    + " at " + event.sourceFile + ":" + event.lineNumber);
}});
"""


def is_csp_violation(text: str) -> bool:
    """True for a console message that reports a Content-Security-Policy violation."""
    return CSP_MARKER in text or "Content Security Policy" in text


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context at 1280x800; `page.base` is the live server's URL.

    Any CSP violation on any page the test opens fails the test (at teardown), so a template
    that gains an inline script or handler is caught by whichever browser test renders it.
    """
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    context.add_init_script(CSP_LISTENER)
    tab = context.new_page()
    tab.base = live_server.url
    tab.csp_violations = []
    tab.on(
        "console",
        lambda message: is_csp_violation(message.text) and tab.csp_violations.append(message.text),
    )
    yield tab
    violations = list(tab.csp_violations)
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


def wait_until(page, function: str, arg=None, timeout: float = 10.0) -> None:
    """Poll a JS function until it returns truthy. Playwright's wait_for_function evaluates
    its predicate with eval() inside the page, which the page's CSP (no 'unsafe-eval') blocks;
    page.evaluate goes through the DevTools protocol, which the CSP does not govern."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(function, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {function}")
        page.wait_for_timeout(50)


@pytest.fixture
def login():
    """login(page, username, password="pw-secret-123"): log in through the real form."""

    def do_login(page, username: str, password: str = "pw-secret-123") -> None:
        page.goto(f"{page.base}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{page.base}/")

    return do_login


@pytest.fixture
def screenshot():
    """screenshot(page, name): save var/screenshots/<name>.png and return its path."""

    def take(page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
