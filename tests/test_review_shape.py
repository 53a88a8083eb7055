"""The review app in one shape (issue #19): writes in services/, reads in selectors/, Celery tasks
in tasks/, REST in api/, database readers for the metrics in loaders/, one module per resource.

The import direction inside review (api, tasks, commands -> services -> selectors -> loaders) is
pinned by an import-linter contract in pyproject.toml; these tests pin the layout itself, so a
new `review/services_x.py` or `review/selectors_y.py` beside the packages fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from config.celery import app as celery_app
from labeling import task_names

REVIEW = Path(__file__).resolve().parents[1] / "review"

# The only modules at review's top level: the app's data and its small shared definitions.
TOP_MODULES = {"__init__.py", "apps.py", "models.py", "choices.py", "exceptions.py"}
LAYERS = ("api", "flags", "loaders", "metrics", "selectors", "services", "tasks")


def _inits() -> list[Path]:
    return sorted(path for path in REVIEW.rglob("__init__.py") if "migrations" not in path.parts)


def test_review_top_level_holds_only_packages_and_the_app_modules():
    # given review's top level, when listing its modules
    modules = {path.name for path in REVIEW.glob("*.py")}
    # then nothing but the app modules sits beside the packages
    assert modules - TOP_MODULES == set()


def test_every_directory_in_review_is_a_package():
    folders = [p for p in REVIEW.iterdir() if p.is_dir() and p.name != "__pycache__"]

    assert [p.name for p in folders if not (p / "__init__.py").exists()] == []


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_of_review_is_a_package(layer):
    assert (REVIEW / layer / "__init__.py").is_file()
    assert not (REVIEW / f"{layer}.py").exists()


def test_no_package_of_review_star_imports():
    # given every package's __init__, when reading its imports
    stars = [
        str(path.relative_to(REVIEW))
        for path in _inits()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names)
    ]
    # then none re-exports a module wholesale
    assert stars == []


def test_the_selectors_package_reexports_nothing():
    # Callers import the module they read from (review.selectors.queue, .audit, ...).
    tree = ast.parse((REVIEW / "selectors" / "__init__.py").read_text())

    assert [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)] == []


def test_importing_review_tasks_registers_every_review_task_by_its_stable_name():
    # given the names labeling sends review's tasks by
    import review.tasks  # noqa: F401  (what Celery's autodiscovery imports)

    names = {
        value
        for key, value in vars(task_names).items()
        if key.isupper() and isinstance(value, str) and value.startswith("review.")
    }
    # then a worker that imported the package knows every one of them
    assert names
    assert names - set(celery_app.tasks) == set()
