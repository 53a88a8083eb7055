"""A small world on pytest-django's live server for the API clients' tests (issue 17):
a lead who may create projects and two annotators, each with an API token; the items and
labels the loop uses; a run of the annotator's loop through the bundled client.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from labeling.services.tokens import api_token_create
from tests.factories import UserFactory, project_creator

SCHEMA = {"kind": "single", "data": "text", "labels": [{"value": "pos"}, {"value": "neg"}]}
ITEMS = [{"id": f"t{n}", "data": {"text": f"Review number {n}."}} for n in range(1, 5)]
# What each annotator labels each item: they agree on t1..t3 and split on t4.
LABELS = {
    "ann1": {"t1": "pos", "t2": "neg", "t3": "pos", "t4": "pos"},
    "ann2": {"t1": "pos", "t2": "neg", "t3": "pos", "t4": "neg"},
}


@dataclass(frozen=True)
class LiveWorld:
    url: str
    lead_token: str
    tokens: dict[str, str]  # annotator username -> token


@pytest.fixture
def live_world(live_server, transactional_db) -> LiveWorld:
    lead = project_creator("lead")
    tokens = {}
    for name in LABELS:
        tokens[name] = api_token_create(user=UserFactory(username=name), name="tests")[1]
    return LiveWorld(live_server.url, api_token_create(user=lead, name="tests")[1], tokens)


def label_everything(client, project_id: int, username: str) -> int:
    """Run one annotator's loop (next, submit) until next answers 204; returns the count."""
    done = 0
    while (work := client.next(project_id)) is not None:
        label = LABELS[username][work["item"]["external_id"]]
        client.submit(work["assignment"]["id"], {"label": label}, lead_time_ms=1200)
        done += 1
    return done
