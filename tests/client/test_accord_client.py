"""The bundled Python client (client/, `accord_client`) runs the whole loop against a live
server: create a project, import, next, submit, agreement, export (issue 17)."""

from __future__ import annotations

import json

import pytest
from accord_client import AccordError, Client

from labeling.models import Item
from review.models import Flag
from tests.live_api import ITEMS, LABELS, SCHEMA, label_everything


def test_the_client_runs_create_import_label_agreement_and_export(live_world):
    lead = Client(live_world.url, live_world.lead_token)
    project = lead.create_project("Reviews", SCHEMA, overlap=2)
    job = lead.import_items(project["id"], ITEMS)
    for name in LABELS:
        lead.add_member(project["id"], name, "annotator")

    counts = [label_everything(Client(live_world.url, token), project["id"], name)
              for name, token in live_world.tokens.items()]  # fmt: skip
    report = lead.agreement("Reviews")
    exported = {row["id"]: row for row in lead.export_items(project["id"])}

    assert job["status"] == "done"
    assert job["items_created"] == 4
    assert counts == [4, 4]
    assert report["items"] == 4
    assert report["annotators"] == 2
    assert report["percent_agreement"] == pytest.approx(0.75)
    assert sorted(a["annotator"] for a in exported["t4"]["annotations"]) == ["ann1", "ann2"]
    assert [row["external_id"] for row in lead.items(project["id"], label="neg")] == ["t2"]

    Flag.objects.create(project_id=project["id"], item=Item.objects.get(external_id="t4"), reason="unsure")
    assert [flag["external_id"] for flag in lead.flags(project["id"], reason="unsure")] == ["t4"]


def test_an_import_from_a_file_and_an_export_to_a_file(live_world, tmp_path):
    source = tmp_path / "items.jsonl"
    source.write_text("".join(json.dumps(row) + "\n" for row in ITEMS))
    lead = Client(live_world.url, live_world.lead_token)
    project = lead.create_project("Files", SCHEMA)

    lead.import_items(project["id"], source)
    lead.export(project["id"], format="csv", output=tmp_path / "out.csv")

    assert (tmp_path / "out.csv").read_text().splitlines()[0].startswith("id,")
    assert [p["name"] for p in lead.projects()] == ["Files"]


def test_refusals_raise_accord_error_with_the_servers_message(live_world):
    annotator = Client(live_world.url, live_world.tokens["ann1"])
    with pytest.raises(AccordError) as refused:
        annotator.create_project("Not mine", SCHEMA)
    assert refused.value.status == 403

    lead = Client(live_world.url, live_world.lead_token)
    with pytest.raises(AccordError) as invalid:
        lead.create_project("Bad", {"kind": "poll"})
    assert invalid.value.status == 400

    with pytest.raises(AccordError) as failed:
        lead.import_items(lead.create_project("Broken", SCHEMA)["id"], [{"data": "not an object"}])
    assert "Import failed" in str(failed.value)


def test_login_with_a_username_and_password_gets_a_working_token(live_world):
    client = Client.login(live_world.url, "ann1", "pw-secret-123")
    assert client.token
    assert client.projects() == []


def test_agreement_waits_while_a_large_projects_first_report_is_computing(monkeypatch):
    answers = iter([{"status": "computing", "labels": 9}, {"status": "computing"}, {"items": 7}])
    asked = []
    monkeypatch.setattr("accord_client.client.POLL_SECONDS", 0)
    monkeypatch.setattr(Client, "request", lambda self, method, path, **kw: asked.append(path) or next(answers))
    assert Client("http://127.0.0.1:9", "key").agreement(3) == {"items": 7}
    assert asked == ["/api/projects/3/agreement"] * 3


def test_agreement_gives_up_after_its_timeout(monkeypatch):
    monkeypatch.setattr("accord_client.client.POLL_SECONDS", 0)
    monkeypatch.setattr(Client, "request", lambda self, method, path, **kw: {"status": "computing"})
    with pytest.raises(AccordError, match="still computing"):
        Client("http://127.0.0.1:9", "key").agreement(3, timeout=0)
