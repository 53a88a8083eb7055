"""The create_project and seed_demo commands."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

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


def test_seed_demo_is_idempotent_and_prints_logins():
    first, second = StringIO(), StringIO()
    call_command("seed_demo", stdout=first)
    call_command("seed_demo", stdout=second)
    assert Project.objects.count() == 2  # the empty project to label, and the story project
    project = Project.objects.get(name="Demo: support ticket sentiment")
    assert Item.objects.filter(project=project).count() >= 30
    assert not project.annotations.exists()
    assert Membership.objects.filter(project=project).count() == 5
    assert "annotator1" in second.getvalue()
    assert "accord-demo" in second.getvalue()
