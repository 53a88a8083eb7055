"""README "Coming from Label Studio / doccano / Prodigy": the commands it prints work as
printed on a Label Studio project (config XML and JSON export with two annotators), and the
Label Studio export goes back out (issue 17)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from labeling.models import Project
from tests.test_import_formats_label_studio_config import SENTIMENT

pytestmark = pytest.mark.django_db

README = Path(__file__).resolve().parents[1] / "README.md"


def choice(label):
    return {"from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": [label]}}


def task(number, first, second):
    return {
        "id": number,
        "data": {"text": f"Review number {number}."},
        "annotations": [
            {"completed_by": {"id": 1, "email": "ana@example.com"}, "result": [choice(first)]},
            {"completed_by": {"id": 2, "email": "bo@example.com"}, "result": [choice(second)]},
        ],
    }


def readme_commands() -> list[list[str]]:
    """The `python manage.py ...` lines of the section's command block, as argument lists."""
    text = README.read_text()
    section = text[text.index("## Coming from Label Studio / doccano / Prodigy"):]
    block = re.search(r"```\n(.*?)```", section, re.DOTALL).group(1)
    return [line.split("#")[0].split()[2:] for line in block.splitlines() if line.startswith("python manage.py")]


def test_the_readme_commands_create_import_measure_and_export_back(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("label_config.xml").write_text(SENTIMENT)
    export = [task(1, "Positive", "Positive"), task(2, "Negative", "Negative"), task(3, "Positive", "Negative")]
    Path("project-1-at-2024.json").write_text(json.dumps(export))
    commands = readme_commands()
    assert [command[0] for command in commands] == ["create_project", "import_items", "agreement", "export"]

    outputs = []
    for command in commands:
        call_command(*command)
        outputs.append(capsys.readouterr().out)

    project = Project.objects.get(name="Reviews")
    report = json.loads(outputs[2])
    assert outputs[0].strip() == str(project.pk)
    back = json.loads(Path("back-to-ls.json").read_text())
    assert project.schema["kind"] == "single"
    assert project.items.count() == 3
    assert report["items"] == 3
    assert report["annotators"] == 2
    assert report["percent_agreement"] == pytest.approx(2 / 3)
    assert len(back) == 3
    assert {len(row["annotations"]) for row in back} == {2}
