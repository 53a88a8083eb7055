"""schemathesis against the live test server: every OpenAPI operation, a bounded budget.

The lead of a seeded project (tests/security/world.py) calls each operation with generated
queries and bodies; path parameters name the seeded objects, so requests reach the code past
the role checks. A 5xx, a response that breaks its documented schema, an undocumented status
code or content type fails the test. Budget: MAX_EXAMPLES per operation (hypothesis), no
shrinking, a fixed seed: reproducible and a few seconds per operation on a small machine.
NUL characters are left out of generated strings: rejecting them is the NUL middleware's job
(tests for it live with it).
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.security.routes import openapi_schema
from tests.security.world import World, seed_world

MAX_EXAMPLES = 5
# Valid data reaches the code behind the checks; invalid data tests that it is refused (4xx).
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
CONFIG = {"generation": {"max-examples": MAX_EXAMPLES, "allow-x00": False, "no-shrink": True}}


@pytest.fixture
def world(transactional_db) -> World:
    return seed_world()


@pytest.fixture
def api_schema(live_server, world):  # type: ignore[no-untyped-def]
    """The OpenAPI document as the server generates it, pointed at the live server."""
    document = json.loads(json.dumps(openapi_schema(), default=str))
    schema = schemathesis.openapi.from_dict(document, config=schemathesis.Config.from_dict(CONFIG))
    schema.config.update(base_url=live_server.url)
    return schema


@pytest.fixture
def lead_session(world) -> Iterator[requests.Session]:
    session = requests.Session()
    session.headers["Authorization"] = f"Token {world.token('lead')}"
    session.sent = []  # type: ignore[attr-defined]  # every response, counted for the report
    session.hooks["response"].append(lambda response, **_: session.sent.append(response.status_code))  # type: ignore[attr-defined]
    yield session
    # Close the kept-alive connection now: its server thread must not outlive the live server's
    # shared SQLite connection (a "DatabaseWrapper objects created in a thread" error).
    session.close()


def _fuzz(operation, mode, world: World, session: requests.Session) -> str | None:  # type: ignore[no-untyped-def]
    """Run one operation's examples in one generation mode; the first failure's message, or None."""
    names = [parameter.name for parameter in operation.path_parameters]
    seeded = {name: world.param(name, "lead", operation.path) for name in names}

    @given(case=operation.as_strategy(mode, path_parameters=seeded or None))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:  # type: ignore[no-untyped-def]
        case.call_and_validate(session=session, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as failure:  # every failure is reported, not raised
        return f"{operation.label} ({mode.value} data): {failure}"
    return None


def _has_input(operation) -> bool:  # type: ignore[no-untyped-def]
    """Whether anything but the (seeded) path can be made invalid: a query or a body."""
    return bool(list(operation.query) or list(operation.body))


def test_every_operation_answers_the_lead_as_documented_and_without_5xx(
    api_schema, world, lead_session, record_property
):
    # schemathesis' own pytest loader (from_fixture) does not run on pytest 9: one loop instead.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    failures = [
        _fuzz(operation, mode, world, lead_session)
        for operation in operations
        for mode in MODES
        if mode is GenerationMode.POSITIVE or _has_input(operation)
    ]
    failures = [failure for failure in failures if failure]
    record_property("requests", len(lead_session.sent))
    assert not failures, f"{len(failures)} of {len(operations)} operations:\n" + "\n\n".join(failures)
