"""Numbers no database integer column holds, in query strings: a 4xx or ignored, never a 500.

SQLite raises OverflowError for a parameter beyond 64 bits; schemathesis and a probe found
audit ?item=, flags ?annotator= and the guideline diff's ?old=&new= answering 500.
"""

from __future__ import annotations

import pytest
from django.test import Client

from labeling.ids import MAX_ID, column_int
from tests.security.world import seed_world

BIG = str(2**80)
API_URLS = [
    "/api/projects/{p}/flags?annotator={big}",
    "/api/projects/{p}/flags?version={big}&label={big}",
    "/api/projects/{p}/audit?item={big}",
    "/api/projects/{p}/guideline/diff?old={big}&new={big}",
    "/api/projects/{p}/annotations?item={big}",
]
PAGE_URLS = [
    "/projects/{p}/review/?annotator={big}&version={big}",
    "/projects/{p}/guideline/diff/?old={big}&new={big}",
    "/projects/{p}/data/?after={big}&before={big}&job={big}",
]


@pytest.fixture
def lead_clients(db, api_as):
    world = seed_world()
    page = Client(raise_request_exception=False)
    page.force_login(world.users["lead"])
    api = api_as(world.users["lead"])
    api.raise_request_exception = False
    return world.project.pk, api, page


@pytest.mark.parametrize("url", API_URLS + PAGE_URLS)
def test_a_number_beyond_any_integer_column_is_never_a_500(lead_clients, url):
    project_id, api, page = lead_clients
    client = api if url.startswith("/api/") else page

    response = client.get(url.format(p=project_id, big=BIG))

    assert response.status_code < 500


@pytest.mark.parametrize(
    ("text", "expected"),
    [("12", 12), (" 7 ", 7), ("0", 0), (str(MAX_ID), MAX_ID), (str(MAX_ID + 1), None),
     ("-3", None), ("1e3", None), ("١٢", None), ("", None), (None, None), (5, 5)],
)
def test_column_int_reads_only_numbers_a_column_holds(text, expected):
    assert column_int(text) == expected
