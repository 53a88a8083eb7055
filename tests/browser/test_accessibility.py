"""axe-core (WCAG 2.0/2.1 A and AA rules) on every page, as each role sees it (issue 16).

axe.min.js comes from the npm package in var/axe (`make axe`); it is served to the page from a
same-origin URL through page.route, because add_script_tag(path=...) inlines the script and
the page's CSP (script-src 'self') refuses inline scripts. Any violation fails the test with
its rule id, impact and the nodes it found.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

import review.tasks  # noqa: F401  (registers the review tasks the events name)
from guidelines import services as guideline_services
from labeling import events
from labeling.models import Item, Membership, Project, Role
from labeling.services.items import pending_flag
from labeling.services.people import project_creator_set
from tests.browser.conftest import wait_until
from tests.browser.test_annotate import MULTI_SCHEMA
from tests.browser.test_review_loop import disagree
from tests.conftest import require_service
from tests.factories import RATING_SCHEMA, AnnotationFactory, ItemFactory
from tests.factories_guidelines import publish

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = (
    Path(__file__).resolve().parents[2] / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
)
AXE_URL = "/static/__axe.js"
WIDEST = """() => Array.from(document.querySelectorAll("main *, header *"))
  .filter((el) => el.getBoundingClientRect().right > 322)
  .slice(0, 4).map((el) => el.tagName + "." + el.className + "#" + el.id)"""
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  const found = result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
  // axe accepts an aria-describedby if one of its ids exists; every one must.
  const dangling = Array.from(document.querySelectorAll("[aria-describedby]")).filter((el) =>
    el.getAttribute("aria-describedby").split(/\\s+/).some((id) => id && !document.getElementById(id)));
  if (dangling.length) found.push({ id: "describedby-missing-id", impact: "serious",
    help: "aria-describedby names an id that does not exist",
    targets: dangling.map((el) => el.id || el.name || el.tagName) });
  return found;
}"""


@pytest.fixture
def audit(page):
    """audit(name): run axe on the page now open; returns its violations (each tagged with name)."""
    require_service(AXE.is_file(), f"axe-core is missing ({AXE}): run `make axe` (needs npm)")
    body = AXE.read_text()
    page.context.route(
        f"**{AXE_URL}", lambda route: route.fulfill(body=body, content_type="text/javascript")
    )

    def run(name: str) -> list[dict]:
        page.add_script_tag(url=f"{page.base}{AXE_URL}")
        return [{**v, "page": name} for v in page.evaluate(RUN_AXE, WCAG_TAGS)]

    return run


def report(violations: list[dict]) -> str:
    """One line per violation, then the count of nodes per rule (what the report quotes)."""
    lines = [
        f"{v['page']}: {v['id']} ({v['impact']}) {v['help']}: {', '.join(v['targets'][:6])}"
        f"{' ...' if len(v['targets']) > 6 else ''}"
        for v in violations
    ]
    per_rule = Counter()
    for v in violations:
        per_rule[f"{v['id']} ({v['impact']})"] += len(v["targets"])
    lines.append("nodes per rule: " + ", ".join(f"{k}: {n}" for k, n in per_rule.most_common()))
    return "\n".join(lines)


def visit_all(page, audit, pages, found=()) -> None:
    """Open each (name, path, ready-selector) and audit it; fail listing every violation
    (these and the `found` ones)."""
    found = list(found)
    for name, path, ready in pages:
        response = page.goto(f"{page.base}{path}")
        page.wait_for_load_state("load")
        # A redirect (to the login or the home page) would audit the wrong page.
        assert response.ok, f"{name}: {path} answered {response.status}"
        assert page.url == f"{page.base}{path}", f"{name}: {path} went to {page.url}"
        if ready:
            page.wait_for_selector(ready)
        found += audit(name)
    print(f"axe: {len(pages)} pages;", report(found))  # noqa: T201 - the figure the report quotes
    assert not found, "WCAG 2.1 A/AA violations:\n" + report(found)


@pytest.fixture
def world(project, lead, reviewer, annotators):
    """One busy single-label project (flags, guideline v1 and v2), a multi and a rating one."""
    item = disagree(project, annotators)
    project_creator_set(user=lead, allowed=True)  # so the lead reaches the new-project page
    labels = ("positive", "negative", "neutral")
    for n in range(8):
        other = ItemFactory(project=project, external_id=f"ext-{n}", data={"text": f"Item {n}."})
        for k, user in enumerate(annotators):
            value = {"label": labels[(n * k) % 3 if n % 3 else 0]}
            AnnotationFactory(item=other, annotator=user, value=value, lead_time_ms=2000 + 500 * k)
        Item.objects.filter(pk=other.pk).update(**pending_flag(timezone.now()))
        events.enqueue(events.ITEMS_PENDING, [project.pk])
    for n in range(3):
        ItemFactory(project=project, external_id=f"new-{n}", data={"text": f"Unlabeled {n}."})
    publish(project, lead, "# Guide\n\nLabel the **tone**.", changelog="First")
    publish(project, lead, "# Guide\n\nLabel the **tone** of the customer.", changelog="Clearer")
    extra = {}
    for schema in (MULTI_SCHEMA, RATING_SCHEMA):
        other = Project.objects.create(name=f"A11y {schema['kind']}", schema=schema)
        Membership.objects.create(project=other, user=annotators[0], role=Role.ANNOTATOR)
        ItemFactory(project=other, data={"text": "Something to label."})
        extra[schema["kind"]] = other
    return {"project": project, "item": item, **extra}


def project_path(name: str, project: Project, **kwargs) -> str:
    return reverse(name, kwargs={"project_id": project.pk, **kwargs})


def test_the_login_page_and_every_lead_page_pass_axe(page, login, audit, world):
    project = world["project"]
    page.goto(f"{page.base}/login/")
    anonymous = audit("login")
    login(page, "lead")
    pages = [
        (name, project_path(url, project), None)
        for name, url in (
            ("dashboard", "lead-dashboard"),
            ("data", "lead-data"),
            ("members", "lead-members"),
            ("settings", "lead-settings"),
            ("export", "lead-export"),
            ("agreement", "agreement"),
            ("prelabel", "prelabel"),
            ("guideline", "guideline"),
            ("guideline versions", "guideline_versions"),
            ("guideline diff", "guideline_diff"),
            ("guideline edit", "guideline_edit"),
            ("guideline gaps", "guideline_gaps"),
            ("guideline stale", "guideline_stale"),
        )
    ]
    pages = [
        ("lead home", "/", None),
        ("new project", reverse("lead-project-new"), None),
        *pages,
        ("tokens", reverse("account-tokens"), None),
        ("keyboard", reverse("account-keyboard"), None),
    ]
    visit_all(page, audit, pages, found=anonymous)


def test_every_reviewer_page_passes_axe(page, login, audit, world):
    project, item = world["project"], world["item"]
    login(page, "reviewer")
    visit_all(
        page,
        audit,
        [
            ("reviewer home", "/", None),
            ("review queue", project_path("review-queue", project), ".queue-row"),
            ("review item", project_path("review-item", project, item_id=item.pk), "#final-form"),
            ("reviewer agreement", project_path("agreement", project), None),
            ("reviewer guideline", project_path("guideline", project), None),
        ],
    )


def test_every_annotator_page_passes_axe(page, login, audit, world):
    project = world["project"]
    login(page, "annotator1")
    pages = [
        ("annotator home", "/", None),
        ("guideline ack", project_path("guideline_ack", project), None),
    ]
    visit_all(page, audit, pages)
    guideline_services.acknowledge(
        user=Membership.objects.get(project=project, user__username="annotator1").user,
        project=project,
    )
    visit_all(
        page,
        audit,
        [
            ("label single", project_path("annotate", project), "#item-card:not([hidden])"),
            ("label multi", project_path("annotate", world["multi"]), "#item-card:not([hidden])"),
            ("label rating", project_path("annotate", world["rating"]), "#item-card:not([hidden])"),
            ("history", project_path("annotate_history", project), None),
        ],
    )
    page.goto(f"{page.base}{project_path('annotate', project)}")
    page.wait_for_selector("#item-card:not([hidden])")
    page.click("#keys-button")
    wait_until(page, "() => document.getElementById('keys-help').open")
    assert not audit("keys dialog"), report(audit("keys dialog"))


def test_a_failed_settings_submit_links_and_focuses_its_errors_and_passes_axe(
    page, login, audit, world
):
    project = world["project"]
    login(page, "lead")
    page.goto(f"{page.base}{project_path('lead-settings', project)}")
    page.fill("#id_name", "")
    page.fill("#id_overlap", "0")
    page.click("#save-project")
    page.wait_for_selector(".field-error")
    wait_until(page, "() => document.activeElement.getAttribute('aria-invalid') === 'true'")
    focused = page.evaluate("() => document.activeElement.id")
    described = page.get_attribute(f"#{focused}", "aria-describedby")
    assert described
    assert all(page.locator(f"#{ref}").count() == 1 for ref in described.split())
    found = audit("settings with errors")
    assert not found, report(found)


@pytest.mark.parametrize("role", ["lead", "annotator1"])
def test_forms_reflow_at_320_px_without_sideways_scrolling(page, login, world, role):
    project = world["project"]
    login(page, role)
    page.set_viewport_size({"width": 320, "height": 640})
    lead_pages = [
        reverse("lead-project-new"),
        project_path("lead-settings", project),
        project_path("lead-members", project),
        project_path("lead-data", project),
    ]
    paths = [reverse("account-tokens"), reverse("account-keyboard"), "/"]
    paths = (
        lead_pages + paths if role == "lead" else [project_path("annotate", world["multi"]), *paths]
    )
    wide = {}
    for path in paths:
        page.goto(f"{page.base}{path}")
        page.wait_for_load_state("load")
        if "annotate" in path:
            page.wait_for_selector("#item-card:not([hidden])")
        width = page.evaluate("() => document.documentElement.scrollWidth")
        if width > 322:
            wide[path] = (width, page.evaluate(WIDEST))
    assert not wide, f"pages wider than 320 px: {wide}"
