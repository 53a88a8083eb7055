"""Gold answers with the import (JSON Lines, JSON, CSV) and set in bulk (file, API, browser)."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from labeling.exceptions import ImportFailed
from labeling.models import AuditEntry, Item
from labeling.services.imports import import_file
from tests.factories import ItemFactory

pytestmark = pytest.mark.django_db

LINES = [
    {"id": "g1", "data": {"text": "great"}, "gold": {"label": "positive"}},
    {"id": "g2", "data": {"text": "awful"}, "gold": "negative"},
    {"id": "r1", "data": {"text": "plain"}},
]


def _write(tmp_path, fmt):
    if fmt == "jsonl":
        path = tmp_path / "items.jsonl"
        path.write_text("\n".join(json.dumps(line) for line in LINES) + "\n")
    elif fmt == "json":
        path = tmp_path / "items.json"
        path.write_text(json.dumps(LINES))
    else:
        path = tmp_path / "items.csv"
        path.write_text('id,text,gold\ng1,great,"{""label"": ""positive""}"\ng2,awful,negative\nr1,plain,\n')
    return path


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_gold_answers_come_in_with_the_import_in_every_format(project, tmp_path, fmt):
    import_file(project=project, path=_write(tmp_path, fmt))
    items = {item.external_id: item for item in Item.objects.filter(project=project)}
    assert (items["g1"].is_gold, items["g1"].gold_value) == (True, {"label": "positive"})
    assert (items["g2"].is_gold, items["g2"].gold_value) == (True, {"label": "negative"})
    assert (items["r1"].is_gold, items["r1"].gold_value) == (False, None)


def test_an_invalid_gold_answer_fails_the_import_naming_the_item(project, tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps({"id": "x", "data": {"text": "t"}, "gold": {"label": "nope"}}) + "\n")
    with pytest.raises(ImportFailed) as raised:
        import_file(project=project, path=path)
    assert "item x: gold answer" in raised.value.details[0]["message"]
    assert not Item.objects.filter(project=project).exists()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_a_gold_file_sets_answers_in_bulk_and_audits_each(project, lead):
    a, b = ItemFactory(project=project, external_id="a"), ItemFactory(project=project, external_id="b")
    upload = SimpleUploadedFile("gold.csv", b'external_id,gold\na,positive\nb,"{""label"": ""neutral""}"\n')
    response = _client(lead).post(reverse("lead-gold-upload", kwargs={"project_id": project.pk}), {"gold_file": upload})
    assert response.status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.gold_value, b.gold_value) == ({"label": "positive"}, {"label": "neutral"})
    assert AuditEntry.objects.filter(project=project, action="item.gold_set").count() == 2


def test_a_gold_file_with_an_unknown_id_changes_nothing(project, lead, api):
    item = ItemFactory(project=project, external_id="a")
    api.force_authenticate(lead)
    url = reverse("api-gold", kwargs={"project_id": project.pk})
    response = api.post(url, {"answers": {"a": "positive", "missing": "negative"}}, format="json")
    assert response.status_code == 400
    assert "no item with id missing" in response.json()["errors"][0]["message"]
    item.refresh_from_db()
    assert not item.is_gold
    assert api.post(url, {"answers": {"a": "positive"}}, format="json").json() == {"gold": 1}


def test_selected_items_become_gold_from_their_current_label(project, lead):
    settled = ItemFactory(project=project, final_value={"label": "negative"})
    agreed = ItemFactory(project=project, aggregate_value={"label": "positive"})
    unlabeled = ItemFactory(project=project)
    url = reverse("lead-items-bulk", kwargs={"project_id": project.pk})
    _client(lead).post(url, {"action": "gold", "ids": [settled.pk, agreed.pk, unlabeled.pk]})
    golds = dict(Item.objects.filter(project=project).values_list("pk", "gold_value"))
    assert golds == {settled.pk: {"label": "negative"}, agreed.pk: {"label": "positive"}, unlabeled.pk: None}
    _client(lead).post(url, {"action": "ungold", "ids": [settled.pk]})
    assert not Item.objects.get(pk=settled.pk).is_gold
