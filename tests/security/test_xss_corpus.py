"""Stored XSS corpus: every payload in every user-controlled text field, every page in Chromium.

For each payload a project is built whose name, description, label values and descriptions,
item text and external ids, usernames, annotator comments, review notes and comments, flag
dismissal reasons, import file names and guideline Markdown all hold the payload. Then every
page is opened as the lead and as an annotator, with Content-Security-Policy bypassed (so the
test checks the escaping itself, not the CSP that would also stop it). A payload that runs sets
window.__xss or opens a dialog; one that is parsed as markup leaves an element carrying
data-xss, an on* attribute or a javascript: link. Any of these fails the test.

Run alone for the counts: pytest -q -s tests/security/test_xss_corpus.py (prints one line per
payload, "pages loaded" and "failures").
"""

from __future__ import annotations

import contextlib

import pytest
from django.test import Client
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from guidelines import services as guideline_services
from labeling.models import ImportJob, Membership, Project, Role
from review.models import AnnotationReview, Flag, FlagStatus, ItemComment, ReviewDecision
from tests.factories import AnnotationFactory, ItemFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAYLOADS = [
    "<script>window.__xss=1;alert(1)</script>",
    '<img src=x data-xss onerror="window.__xss=2;alert(2)">',
    '<svg data-xss onload="window.__xss=3;alert(3)"></svg>',
    "javascript:window.__xss=4;alert(4)",
    '"><img src=x data-xss onerror="window.__xss=5;alert(5)">',
    "'><img src=x data-xss onerror='window.__xss=6;alert(6)'>",
    '</textarea><img src=x data-xss onerror="window.__xss=7;alert(7)">',
    "</script><script>window.__xss=8;alert(8)</script>",
    '[link](javascript:window.__xss=9) ![i](x" onerror="window.__xss=9)',
    '<a data-xss href="jav&#x09;ascript:window.__xss=10">x</a>',
    '<details data-xss open ontoggle="window.__xss=11;alert(11)">',
    '<input data-xss autofocus onfocus="window.__xss=12;alert(12)">',
    '<iframe data-xss srcdoc="<script>parent.__xss=13</script>"></iframe>',
    '${alert(14)}{{constructor.constructor("window.__xss=14")()}}',
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=15>",
]
# Evaluated on each page once it has loaded: what a payload leaves behind if it got through.
PROBE = """() => {
  const handlers = [...document.querySelectorAll("*")].filter(
    (el) => [...el.attributes].some((a) => a.name.toLowerCase().startsWith("on")));
  return {
    flag: window.__xss ?? null,
    marked: document.querySelectorAll("[data-xss]").length,
    handlers: handlers.map((el) => el.outerHTML.slice(0, 120)),
    js_links: [...document.querySelectorAll("a[href], iframe[src], form[action]")].filter(
      (el) => /^\\s*javascript:/i.test(el.getAttribute("href") || el.getAttribute("src")
        || el.getAttribute("action") || "")).length,
    srcdoc: document.querySelectorAll("iframe[srcdoc]").length,
  };
}"""
LEAD_PAGES = [
    "/",
    "{p}/annotate/",
    "{p}/history/",
    "{p}/agreement/",
    "{p}/review/",
    "{p}/review/items/{item}/",
    "{p}/guideline/",
    "{p}/guideline/ack/",
    "{p}/guideline/panel/",
    "{p}/guideline/versions/",
    "{p}/guideline/diff/",
    "{p}/guideline/edit/",
    "{p}/guideline/stale/",
    "{p}/guideline/gaps/",
    "{p}/settings/",
    "{p}/data/",
    "{p}/members/",
    "{p}/dashboard/",
    "{p}/export/",
    "{p}/prelabel/",
]
ANNOTATOR_PAGES = [
    "/",
    "{p}/annotate/",
    "{p}/history/",
    "{p}/history/{annotation}/",
    "{p}/guideline/",
    "{p}/guideline/panel/",
]
TOTALS = {"payloads": 0, "pages": 0, "failures": 0}


def build_world(index: int, payload: str) -> dict[str, object]:
    """A project with the payload in every user-controlled text field; its users and ids."""
    lead = UserFactory(username=f"{payload[:140]}L{index}")
    annotators = [UserFactory(username=f"{payload[:140]}A{index}{n}") for n in (1, 2)]
    schema = {
        "kind": "single",
        "data": "text",
        "labels": [
            {"value": payload, "hotkey": "1", "description": payload},
            {"value": "safe", "hotkey": "2", "description": payload},
        ],
        "settings": {"overlap": 2, "aggregation": "majority"},
    }
    project = Project.objects.create(
        name=f"{payload} #{index}", description=payload, schema=schema, overlap=2
    )
    MembershipFactory(project=project, user=lead, role=Role.LEAD)
    for user in annotators:
        MembershipFactory(project=project, user=user, role=Role.ANNOTATOR)
    items = [
        ItemFactory(project=project, external_id=f"{payload}-{n}", data={"text": payload})
        for n in range(3)
    ]
    first = AnnotationFactory(
        item=items[0], annotator=annotators[0], value={"label": payload}, comment=payload
    )
    AnnotationFactory(item=items[0], annotator=annotators[1], value={"label": "safe"}, comment=payload)
    review_notes(project, items, lead, first, payload)
    guidelines(project, lead, items[0], payload)
    ImportJob.objects.create(
        project=project, original_name=payload, errors=[{"line": 1, "message": payload}]
    )
    return {"project": project, "lead": lead, "annotator": annotators[0], "annotation": first,
            "item": items[0]}  # fmt: skip


def review_notes(project, items, lead, annotation, payload: str) -> None:
    """Flags (one dismissed with the payload as its reason), a decision, a verdict, a comment."""
    Flag.objects.create(project=project, item=items[0], reason="low_agreement", severity=0.9,
                        details={"note": payload})  # fmt: skip
    Flag.objects.create(project=project, item=items[1], reason="rare_label", severity=0.5,
                        status=FlagStatus.DISMISSED, dismiss_reason=payload)  # fmt: skip
    ReviewDecision.objects.create(project=project, item=items[1], reviewer=lead,
                                  action="dismiss", note=payload)  # fmt: skip
    AnnotationReview.objects.create(annotation=annotation, reviewer=lead, verdict="rejected",
                                    comment=payload)  # fmt: skip
    ItemComment.objects.create(item=items[0], author=lead, body=payload)


def guidelines(project, lead, item, payload: str) -> None:
    """Two published versions and a draft, all carrying the payload, raw and as Markdown tricks."""
    markdown = f"## {payload}\n\n{payload}\n\n[link]({payload})\n\n![image]({payload})\n"
    for number, text in enumerate((markdown, f"{markdown}\n> {payload} v2\n")):
        guideline_services.draft_save(
            project=project, author=lead, markdown=text, changelog=f"{payload} {number}"
        )
        guideline_services.version_publish(
            project=project, author=lead, changelog=f"{payload} {number}", example_item_ids=()
        )
    guideline_services.draft_save(project=project, author=lead, markdown=f"{markdown}\ndraft")
    project.refresh_from_db()
    Membership.objects.filter(project=project).update(
        acknowledged_version=project.guideline_version
    )


def open_pages(browser, base: str, user, pages: list[str], ids: dict[str, int]) -> list[str]:
    """Open each page as `user` (CSP bypassed); the problems seen, one line each."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(30_000)  # the first page also loads the URL conf and templates
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    page = context.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    problems = []
    for template in pages:
        path = template.format(**ids)
        response = page.goto(base + path)
        if "annotate" in path:  # the item arrives by fetch after load, the panel by htmx
            settle(page)
        TOTALS["pages"] += 1
        found = page.evaluate(PROBE)
        bad = response is None or response.status >= 400 or dialogs or found["flag"] is not None
        bad = bad or found["marked"] or found["handlers"] or found["js_links"] or found["srcdoc"]
        if bad:
            status = response.status if response else None
            problems.append(f"{path}: status={status} dialogs={dialogs} {found}")
            dialogs.clear()
    context.close()
    return problems


def settle(page) -> None:
    """Let the annotate screen fetch its item and the guideline panel before probing."""
    # A page that polls (a running import) never idles: probe what is there after 1.5 s.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_load_state("networkidle", timeout=1_500)
    page.wait_for_timeout(100)


@pytest.mark.parametrize("index", range(len(PAYLOADS)), ids=lambda i: f"payload{i + 1}")
def test_no_stored_payload_runs_or_becomes_markup_on_any_page(browser, live_server, index):
    world = build_world(index, PAYLOADS[index])
    ids = {"p": f"/projects/{world['project'].pk}", "item": world["item"].pk,
           "annotation": world["annotation"].pk}  # fmt: skip
    problems = open_pages(browser, live_server.url, world["lead"], LEAD_PAGES, ids)
    problems += open_pages(browser, live_server.url, world["annotator"], ANNOTATOR_PAGES, ids)
    TOTALS["payloads"] += 1
    TOTALS["failures"] += len(problems)
    print(f"\nxss corpus: payload {index + 1}/{len(PAYLOADS)}: "  # noqa: T201 - the report
          f"{len(LEAD_PAGES) + len(ANNOTATOR_PAGES)} pages, {len(problems)} failures; totals {TOTALS}")
    assert problems == [], "\n".join(problems)
