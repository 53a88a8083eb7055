"""The frontend's shape (issue 19): its views (and the demo seeding) read through the apps'
selectors and import no models, so a page's queries live where the app's rules are
(STYLE.md section 1)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FRONTEND = ROOT / "frontend"
MODEL_MODULES = ("labeling.models", "review.models", "guidelines.models")


def frontend_files() -> list[Path]:
    return sorted(path for path in FRONTEND.rglob("*.py") if "migrations" not in path.parts)


def test_the_frontend_makes_no_orm_calls_of_its_own():
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in frontend_files()
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if re.search(r"\.objects\b", line)
    ]
    assert not offenders, "The frontend queries through selectors, not .objects:\n" + "\n".join(
        offenders
    )


def _runtime_model_imports(path: Path) -> list[str]:
    """`from <app>.models import ...` outside `if TYPE_CHECKING:` blocks, as file:line."""
    tree = ast.parse(path.read_text())
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and ast.unparse(block.test) == "TYPE_CHECKING"
        for statement in block.body
        for node in ast.walk(statement)
    }
    found = []
    for node in ast.walk(tree):
        runtime = isinstance(node, ast.ImportFrom) and id(node) not in typing_only
        if runtime and (node.module or "").startswith(MODEL_MODULES):
            found.append(f"{path.relative_to(ROOT)}:{node.lineno}: from {node.module}")
    return found


def test_the_frontend_imports_no_models_at_run_time():
    offenders = [hit for path in frontend_files() for hit in _runtime_model_imports(path)]
    assert not offenders, "Import choices from <app>.choices instead:\n" + "\n".join(offenders)


def test_the_import_contract_names_the_frontend():
    """lint-imports (make lint, CI) enforces the same rule on every frontend module."""
    config = (ROOT / "pyproject.toml").read_text()
    assert 'name = "frontend reads through selectors: it imports no app\'s models"' in config
