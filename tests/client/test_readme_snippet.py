"""The README's five lines of Python run as printed against a live server (issue 17): only
the URL and the token are put in, and items.jsonl is written where the snippet reads it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.live_api import LABELS

README = Path(__file__).resolve().parents[2] / "README.md"
MARKER = "<!-- readme-snippet: python-client"


def readme_snippet() -> str:
    text = README.read_text()
    after = text[text.index(MARKER):]
    return re.search(r"```python\n(.*?)```", after, re.DOTALL).group(1)


def test_the_snippet_is_five_lines():
    assert len(readme_snippet().strip().splitlines()) == 5


def test_the_readme_snippet_creates_a_project_uploads_items_and_prints_agreement(
    live_world, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    rows = [
        {"id": item, "data": {"text": f"Review {item}."},
         "annotations": [{"annotator": name, "value": {"label": LABELS[name][item]}} for name in LABELS]}
        for item in LABELS["ann1"]
    ]  # fmt: skip
    Path("items.jsonl").write_text("".join(json.dumps(row) + "\n" for row in rows))
    code = readme_snippet()
    assert code.count("http://127.0.0.1:8000") == 1
    assert code.count('"KEY"') == 1
    code = code.replace("http://127.0.0.1:8000", live_world.url).replace('"KEY"', repr(live_world.lead_token))

    exec(compile(code, "README.md", "exec"), {})  # noqa: S102 - the README's own snippet

    alpha = float(capsys.readouterr().out.strip().splitlines()[-1])
    assert -1.0 <= alpha <= 1.0
    assert alpha == pytest.approx(0.5333, abs=0.001)
