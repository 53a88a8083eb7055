"""Authorization matrix: every page and API operation x every persona, from ONE table of rules.

Pages come from the URL conf, operations from the OpenAPI document; a route without a rule
fails `test_every_*_has_a_rule`, so a new endpoint cannot ship unreviewed. Each request runs in
a savepoint that is rolled back, so writes by one case never change the next. Requests carry
no body: an allowed role may then get 400 or 409 on a write (the body is invalid, or the
state does not allow it), and a page that does not serve the method answers 405 for everyone.

Rules: "public" (anyone, no login), "any user" (logged in, member or not), "member" (any role
in the project), "staff" (reviewer or lead), "lead", "creator" (holds the site permission to
create projects: the lead here), "site staff" (is_staff: no persona, so everyone is denied).
"""

from __future__ import annotations

import copy
import json
from http.cookies import SimpleCookie

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.security.routes import api_operations, url_routes
from tests.security.world import PEER_LEAD_TIME, PEER_MARK, PEER_NAME, PERSONAS, World, seed_world

ALLOWED = {
    "public": set(PERSONAS),
    "any user": {"outsider", "annotator", "reviewer", "lead"},
    "member": {"annotator", "reviewer", "lead"},
    "staff": {"reviewer", "lead"},
    "lead": {"lead"},
    "creator": {"lead"},
    "site staff": set(),
}

PAGE_RULES = {
    "api-schema": "public",
    "api-docs": "public",
    "api-redoc": "public",
    "login": "public",
    "logout": "public",
    "home": "any user",
    "lead-project-new": "creator",
    "account-keyboard": "any user",
    "account-tokens": "any user",
    "account-token-revoke": "any user",
    "password_change": "any user",
    "password_change_done": "any user",
    "password_reset": "public",
    "password_reset_done": "public",
    "password_reset_confirm": "public",
    "password_reset_complete": "public",
    "invite-accept": "public",
    "site-people": "site staff",
    "site-people-creator": "site staff",
    "site-people-invite": "site staff",
    "lead-invite-new": "lead",
    "lead-invite-revoke": "lead",
    "lead-member-new-account": "lead",
    "lead-project-from-label-studio": "creator",
    "annotate": "member",
    "annotate_history": "member",
    "annotate_edit": "member",
    "annotate_skipped": "member",
    "annotate_skipped_reopen": "member",
    "guideline": "member",
    "guideline_ack": "member",
    "guideline_panel": "member",
    "guideline_versions": "member",
    "guideline_diff": "member",
    "guideline_edit": "lead",
    "guideline_preview": "lead",
    "guideline_stale": "lead",
    "guideline_gaps": "lead",
    "agreement": "staff",
    "review-queue": "staff",
    "review-item": "staff",
    "review-action": "staff",
    "review-undo": "staff",
    "lead-dashboard": "staff",
    "lead-settings": "lead",
    "lead-project-archive": "lead",
    "lead-project-delete": "lead",
    "lead-items-bulk": "lead",
    "lead-gold-upload": "lead",
    "lead-data": "lead",
    "lead-import": "lead",
    "lead-import-status": "lead",
    "lead-item": "staff",
    "lead-item-gold": "lead",
    "lead-members": "lead",
    "lead-member-change": "lead",
    "lead-export": "lead",
    "prelabel": "lead",
    "prelabel-start": "lead",
    "prelabel-job": "lead",
    "prelabel-job-cancel": "lead",
    "lead-webhooks": "lead",
    "lead-webhook": "lead",
    "lead-webhook-delete": "lead",
    "lead-webhook-ping": "lead",
    "lead-webhook-redeliver": "lead",
    "prelabel-server": "lead",
    "prelabel-train": "lead",
    "prelabel-text-fields": "lead",
}

API_RULES = {
    "auth_token_create": "public",
    "projects_list": "any user",
    "projects_create": "creator",
    "auth_tokens_list": "any user",
    "auth_tokens_create": "any user",
    "auth_tokens_destroy": "any user",
    "projects_retrieve": "member",
    "projects_partial_update": "lead",
    "projects_destroy": "lead",
    "projects_archive_create": "lead",
    "projects_archive_destroy": "lead",
    "projects_items_delete_create": "lead",
    "projects_items_destroy": "lead",
    "projects_gold_create": "lead",
    "projects_members_list": "member",
    "projects_members_create": "lead",
    "projects_members_destroy": "lead",
    "projects_items_list": "member",
    "projects_items_image_retrieve": "member",
    "projects_annotations_list": "member",
    "projects_predictions_list": "staff",
    "projects_next_create": "member",
    "projects_progress_retrieve": "member",
    "projects_history_list": "member",
    "assignments_submit_create": "member",
    "assignments_skip_create": "member",
    "assignments_release_create": "member",
    "annotations_partial_update": "member",
    "projects_imports_create": "lead",
    "projects_imports_retrieve": "lead",
    "projects_export_retrieve": "lead",
    "projects_prelabel_create": "lead",
    "projects_prelabel_jobs_list": "lead",
    "projects_prelabel_jobs_retrieve": "lead",
    "projects_prelabel_jobs_cancel_create": "lead",
    "projects_model_versions_retrieve": "lead",
    "projects_prelabel_train_create": "lead",
    "projects_prelabel_events_list": "lead",
    "projects_agreement_retrieve": "staff",
    "projects_flags_retrieve": "staff",
    "projects_flags_dismiss_create": "staff",
    "projects_review_summary_retrieve": "staff",
    "projects_review_items_retrieve": "staff",
    "projects_review_items_final_create": "staff",
    "projects_review_items_send_back_create": "staff",
    "projects_review_items_comments_create": "staff",
    "projects_review_items_example_create": "staff",
    "projects_review_annotations_verdict_create": "staff",
    "projects_audit_list": "staff",
    "projects_guideline_versions_list": "member",
    "projects_guideline_versions_retrieve": "member",
    "projects_guideline_diff_retrieve": "member",
    "projects_guideline_draft_retrieve": "lead",
    "projects_guideline_draft_update": "lead",
    "projects_guideline_draft_create": "lead",
    "projects_guideline_publish_create": "lead",
    "projects_guideline_acknowledge_create": "member",
    "projects_webhooks_list": "lead",
    "projects_webhooks_create": "lead",
    "projects_webhooks_retrieve": "lead",
    "projects_webhooks_partial_update": "lead",
    "projects_webhooks_destroy": "lead",
    "projects_webhooks_ping_create": "lead",
    "projects_webhooks_deliveries_list": "lead",
    "projects_webhooks_deliveries_redeliver_create": "lead",
}

# Allowed roles may get 404 here, for a stated reason (never a hidden permission answer).
NOT_FOUND_OK = {
    "projects_items_image_retrieve": "the seeded item is a text item: no image to serve",
}
# Denied roles may get 400 here: the body is checked before the owner, so an empty body is a
# 400 for every id (existing or not, anyone's); with a valid body the answer is 404.
DENIED_WITH_400_OK = {"assignments_submit_create": "body checked before the assignment's owner"}
# Public routes that end at the login page on purpose.
LOGIN_REDIRECT_OK = {"logout": "logging out shows the login page"}
# Where an annotator may read a peer's username (not their labels): the project's member list.
PEER_NAME_OK = {"projects_members_list"}
PAGE_METHODS = ("GET", "POST")


def _page_sessions(world: World) -> dict[str, SimpleCookie]:
    """Each persona's session cookie, logged in once (a fresh client per case copies it)."""
    cookies = {}
    for persona, user in world.users.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        cookies[persona] = client.cookies
    return cookies


def _page_client(sessions: dict[str, SimpleCookie], persona: str) -> Client:
    client = Client(raise_request_exception=False)
    client.cookies = copy.deepcopy(sessions[persona])  # logging out clears only this copy
    return client


def _api_client(world: World, persona: str) -> APIClient:
    client = APIClient(raise_request_exception=False)
    if world.users[persona] is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.token(persona)}")
    return client


def _request(client: Client, method: str, url: str, *, api: bool, body: object = None):  # type: ignore[no-untyped-def]
    """One request in a savepoint that is rolled back afterwards (body: JSON, API only)."""
    with transaction.atomic():
        if api:
            content = "" if method == "GET" else json.dumps(body or {})
            response = client.generic(method, url, content, "application/json")
        else:
            response = client.generic(method, url, "", "application/x-www-form-urlencoded")
        transaction.set_rollback(True)
    return response


def _to_login(response) -> bool:  # type: ignore[no-untyped-def]
    location = response.headers.get("Location", "")
    return response.status_code == 302 and location.startswith(reverse(settings.LOGIN_URL))


def _denial_problem(key: str, persona: str, response, *, api: bool) -> str | None:  # type: ignore[no-untyped-def]
    status = response.status_code
    if persona == "anonymous" and not api:
        return None if _to_login(response) else "anonymous must be redirected to the login page"
    denied = {401, 403} if persona == "anonymous" else {403, 404}
    if status == 400 and key in DENIED_WITH_400_OK:
        return None
    return None if status in denied else f"must be denied with {sorted(denied)}"


def _allowed_problem(key: str, method: str, response) -> str | None:  # type: ignore[no-untyped-def]
    status = response.status_code
    if status in {401, 403} or status >= 500:
        return "an allowed role must not get this"
    if _to_login(response) and key not in LOGIN_REDIRECT_OK:
        return "an allowed role must not be sent to the login page"
    if status == 404 and key not in NOT_FOUND_OK:
        return "an allowed role got 404 (a permission answer?)"
    if method == "GET" and status >= 400 and status != 404:
        return "a read by an allowed role must succeed"
    return None


def _peer_leak(key: str, response) -> str | None:  # type: ignore[no-untyped-def]
    """A peer's label details (or, outside the member list, their name) in what annotator1 reads."""
    if response.status_code != 200 or response.streaming:
        return None
    body = response.content.decode("utf-8", "replace")
    markers = [PEER_MARK, str(PEER_LEAD_TIME)] + ([] if key in PEER_NAME_OK else [PEER_NAME])
    found = [marker for marker in markers if marker in body]
    return f"annotator1 reads peer data {found}" if found else None


def _check(key: str, rule: str, persona: str, method: str, response, *, api: bool) -> str | None:  # type: ignore[no-untyped-def]
    if response.status_code == 405 and not api:
        return None  # the page does not serve this method, for anyone
    if persona not in ALLOWED[rule]:
        problem = _denial_problem(key, persona, response, api=api)
    else:
        problem = _allowed_problem(key, method, response)
    if problem is None and persona == "annotator":
        problem = _peer_leak(key, response)
    return problem and f"{method} {key} as {persona}: {response.status_code}: {problem}"


def test_every_page_in_the_url_conf_has_a_rule():
    pages = {route.name for route in url_routes() if not route.is_api}
    assert pages == set(PAGE_RULES), "add a rule to PAGE_RULES (or drop a stale one)"


def test_every_api_route_is_an_operation_of_the_openapi_document():
    documented = {operation.path for operation in api_operations()}
    routes = {route.template for route in url_routes() if route.is_api}
    assert routes - documented == set()


def test_every_api_operation_has_a_rule():
    operations = [operation.operation_id for operation in api_operations()]
    assert len(operations) == len(set(operations)), "operation ids must be unique"
    assert set(operations) == set(API_RULES), "add a rule to API_RULES (or drop a stale one)"


@pytest.fixture
def world(db) -> World:
    return seed_world()


def test_pages_answer_each_persona_as_the_table_says(world, record_property):
    problems, cases = [], 0
    sessions = _page_sessions(world)
    for route in (route for route in url_routes() if not route.is_api):
        served = False
        for method in PAGE_METHODS:
            for persona in PERSONAS:
                client = _page_client(sessions, persona)
                response = _request(client, method, route.url(world, persona), api=False)
                cases += 1
                served |= persona == "lead" and response.status_code != 405
                problems.append(_check(route.name, PAGE_RULES[route.name], persona, method, response, api=False))
        problems.append(None if served else f"{route.name}: the lead gets 405 on every method")
    record_property("cases", cases)
    failures = [problem for problem in problems if problem]
    assert not failures, f"{len(failures)} of {cases} cases:\n" + "\n".join(failures)


def test_api_operations_answer_each_persona_as_the_table_says(world, record_property):
    problems, cases = [], 0
    for operation in api_operations():
        for persona in PERSONAS:
            client = _api_client(world, persona)
            response = _request(client, operation.method, operation.url(world, persona), api=True)
            cases += 1
            rule = API_RULES[operation.operation_id]
            problems.append(_check(operation.operation_id, rule, persona, operation.method, response, api=True))
    record_property("cases", cases)
    failures = [problem for problem in problems if problem]
    assert not failures, f"{len(failures)} of {cases} cases:\n" + "\n".join(failures)


@pytest.mark.parametrize("persona", ["annotator", "reviewer", "lead"])
def test_no_member_can_use_a_peers_assignment_or_annotation(world, persona):
    api, page = _api_client(world, persona), _page_client(_page_sessions(world), persona)
    assignment, annotation = world.ids["peer_assignment"], world.ids["annotation_id"]
    body = {"value": {"label": "positive"}, "comment": "taken over"}
    answers = [
        _request(api, "POST", f"/api/assignments/{assignment}/{action}", api=True, body=body)
        for action in ("submit", "skip", "release")
    ]
    answers.append(_request(api, "PATCH", f"/api/annotations/{annotation}", api=True, body=body))
    edit = reverse("annotate_edit", args=[world.project.pk, annotation])
    answers += [_request(page, method, edit, api=False) for method in ("GET", "POST")]

    assert [response.status_code for response in answers] == [404] * len(answers)
