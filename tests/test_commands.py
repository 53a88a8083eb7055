"""The create_project and seed_demo commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from labeling import demo
from labeling.models import Item, Membership, Project
from tests.factories import SINGLE_SCHEMA

pytestmark = pytest.mark.django_db


def test_create_project_prints_the_new_id(tmp_path):
    config = tmp_path / "schema.json"
    config.write_text(json.dumps(SINGLE_SCHEMA))
    out = StringIO()
    call_command("create_project", "Reviews", "--config", str(config), "--overlap", "5", stdout=out)
    project = Project.objects.get(pk=int(out.getvalue()))
    assert project.name == "Reviews"
    assert project.overlap == 5
    assert project.schema["settings"]["overlap"] == 5


def test_create_project_refuses_a_bad_schema_file(tmp_path):
    config = tmp_path / "schema.json"
    config.write_text('{"kind": "single"')
    with pytest.raises(CommandError, match="not valid UTF-8 JSON"):
        call_command("create_project", "Broken", "--config", str(config))
    assert not Project.objects.exists()


def test_seed_demo_is_idempotent_and_prints_logins(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    # the empty projects to label (sentiment, spans, boxes) and the story project
    assert Project.objects.count() == 4
    project = Project.objects.get(name=demo.DEMO_PROJECT)
    assert Item.objects.filter(project=project).count() >= 30
    assert not project.annotations.exists()
    assert Membership.objects.filter(project=project).count() == 5
    assert "annotator1" in second.getvalue()
    assert "accord-demo" in second.getvalue()


def test_seed_demo_adds_a_spans_project_and_a_boxes_project_with_drawn_pictures(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    spans = Project.objects.get(name=demo.DEMO_SPANS_PROJECT)
    boxes = Project.objects.get(name=demo.DEMO_BOXES_PROJECT)
    assert (spans.kind, boxes.kind) == ("spans", "boxes")
    assert [label["hotkey"] for label in spans.schema["labels"]] == ["1", "2", "3"]
    # the texts to label, plus the snippets three annotators labeled in the demo story
    assert spans.items.exclude(external_id__startswith="story-").count() == len(demo.DEMO_SPANS_TEXTS)
    assert set(Membership.objects.filter(project=boxes).values_list("user__username", flat=True)) == {
        name for name, _ in demo.DEMO_USERS
    }
    pictures = list(boxes.items.exclude(external_id__startswith="story-").order_by("external_id"))
    assert len(pictures) == demo.DEMO_BOXES_IMAGES
    for item in pictures:
        with Image.open(item.image.path) as picture:
            assert picture.size == (item.width, item.height) == (640, 480)
