"""The `accord` command line against a live server: login saves a token readable by its
owner only; projects, import, export, agreement and prelabel start/wait (issue 17)."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from accord_client import Client
from accord_client.cli import main

from tests.live_api import ITEMS, LABELS, SCHEMA, label_everything

ACCORD = Path(sys.executable).parent / "accord"


@pytest.fixture
def config(tmp_path, monkeypatch):
    """A config file of the test's own, and no token from the environment."""
    path = tmp_path / "config" / "accord.json"
    monkeypatch.setenv("ACCORD_CONFIG", str(path))
    monkeypatch.delenv("ACCORD_TOKEN", raising=False)
    monkeypatch.delenv("ACCORD_URL", raising=False)
    return path


def test_login_saves_the_url_and_token_for_the_next_commands(live_world, config, capsys, tmp_path):
    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps(SCHEMA))

    assert main(["--url", live_world.url, "login", "--token", live_world.lead_token]) == 0
    assert main(["projects", "create", "CLI", "--schema", str(schema), "--overlap", "2"]) == 0
    project_id = int(capsys.readouterr().out.strip().splitlines()[-1])
    assert main(["projects", "list"]) == 0

    assert stat.S_IMODE(config.stat().st_mode) == 0o600
    assert json.loads(config.read_text()) == {"url": live_world.url, "token": live_world.lead_token}
    assert capsys.readouterr().out.split("\t")[:2] == [str(project_id), "CLI"]


def test_a_wrong_token_is_refused_at_login_and_nothing_is_saved(live_world, config, capsys):
    assert main(["--url", live_world.url, "login", "--token", "not-a-token"]) == 1
    assert not config.exists()
    assert "401" in capsys.readouterr().err


def test_commands_without_a_login_say_how_to_log_in(config, capsys):
    assert main(["projects", "list"]) == 2
    assert "accord login" in capsys.readouterr().err


def test_the_installed_accord_command_imports_exports_and_prints_agreement(live_world, config, tmp_path):
    if not ACCORD.exists():
        pytest.fail(f"{ACCORD} is missing: install the client (pip install -e ./client)")
    env = {**os.environ, "ACCORD_URL": live_world.url, "ACCORD_TOKEN": live_world.lead_token}
    lead = Client(live_world.url, live_world.lead_token)
    project = lead.create_project("Shell", SCHEMA, overlap=2)
    for name in LABELS:
        lead.add_member(project["id"], name, "annotator")
    items = tmp_path / "items.jsonl"
    items.write_text("".join(json.dumps(row) + "\n" for row in ITEMS))

    def accord(*args: str) -> str:
        run = subprocess.run(  # noqa: S603 - the installed client's own command
            [str(ACCORD), *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr
        return run.stdout

    job = json.loads(accord("import", "Shell", str(items)))
    for name, token in live_world.tokens.items():
        label_everything(Client(live_world.url, token), project["id"], name)
    report = json.loads(accord("agreement", str(project["id"])))
    accord("export", "Shell", "--format", "json", "--output", str(tmp_path / "out.json"))
    lines = accord("export", "Shell", "--include", "aggregate").splitlines()

    assert job["status"] == "done"
    assert job["items_created"] == 4
    assert report["percent_agreement"] == pytest.approx(0.75)
    assert len(json.loads((tmp_path / "out.json").read_text())) == 4
    assert sorted(json.loads(line)["id"] for line in lines) == ["t1", "t2", "t3", "t4"]


def test_prelabel_start_wait_runs_the_job_to_its_end(live_world, config, capsys, monkeypatch):
    monkeypatch.setenv("ACCORD_URL", live_world.url)
    monkeypatch.setenv("ACCORD_TOKEN", live_world.lead_token)
    labelled = [
        {**row, "annotations": [{"annotator": name, "value": {"label": LABELS[name][row["id"]]}}
                                for name in LABELS]}
        for row in ITEMS
    ]  # fmt: skip
    extra = [{"id": f"u{n}", "data": {"text": f"Unlabelled review {n}."}} for n in range(3)]
    lead = Client()
    project = lead.create_project("Pre", SCHEMA, overlap=2)
    lead.import_items(project["id"], labelled + extra)

    assert main(["prelabel", "start", "Pre", "--wait", "--timeout", "60"]) == 0

    job = json.loads(capsys.readouterr().out)
    assert job["status"] == "done", job
    assert job["progress"]["finished"] is True
    assert job["total"] == 3
    assert main(["prelabel", "wait", "Pre", str(job["id"])]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == job["id"]


def test_login_with_a_username_asks_the_password_and_client_reads_the_saved_login(
    live_world, config, monkeypatch
):
    monkeypatch.setattr("getpass.getpass", lambda prompt: "pw-secret-123")

    assert main(["--url", live_world.url, "login", "--username", "ann1"]) == 0

    saved = json.loads(config.read_text())
    client = Client()
    assert saved["url"] == live_world.url
    assert client.url == live_world.url
    assert client.token == saved["token"] != live_world.tokens["ann1"]
    assert client.projects() == []
