"""The raw-SQL fence (STYLE.md section 2): SQL text lives only in the SQL modules.

The SQL modules are the files pyproject.toml lets reach the connection (ruff's TID251
per-file-ignores); every other module of the apps must hold no SQL statement in a string.
(tests/test_db_locks.py keeps advisory locks inside labeling.db.locks.)
"""

from __future__ import annotations

import ast
import fnmatch
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APPS = ("config", "labeling", "review", "guidelines", "frontend")
# SQL statements as they are written here (upper-case keywords); "{}" stands for an f-string field.
STATEMENTS = re.compile(
    r"\bSELECT\b.*?\bFROM\b|\bUPDATE\s+\S+\s+SET\b|\bINSERT\s+INTO\b|\bDELETE\s+FROM\b"
    r"|\bSET\s+(LOCAL|SESSION|CONSTRAINTS)\s|\bSAVEPOINT\s+\w",
    re.DOTALL,
)


def fenced_globs() -> list[str]:
    """The app paths pyproject.toml exempts from the banned-API rule (TID251)."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    ignores = config["tool"]["ruff"]["lint"]["per-file-ignores"]
    return [
        glob for glob, rules in ignores.items()
        if "TID251" in rules and glob.split("/")[0] in APPS
    ]  # fmt: skip


def app_modules() -> list[str]:
    paths = (
        path.relative_to(ROOT).as_posix() for app in APPS for path in (ROOT / app).rglob("*.py")
    )
    return sorted(path for path in paths if "/migrations/" not in path)


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the docstring nodes (prose may name SELECT ... FROM)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def strings(path: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal but docstrings; f-string fields become "{}"."""
    tree = ast.parse((ROOT / path).read_text(), path)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                part.value if isinstance(part, ast.Constant) else "{}" for part in node.values
            )
            found.append((node.lineno, text))
            skip.update(id(part) for part in node.values)
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
        ):
            found.append((node.lineno, node.value))
    return found


def test_the_fence_lists_only_files_that_exist():
    modules = app_modules()
    assert fenced_globs()
    for glob in fenced_globs():
        assert fnmatch.filter(modules, glob), f"{glob} matches no module"


def test_sql_statements_live_only_in_the_sql_modules():
    fence = fenced_globs()
    outside = [
        f"{path}:{line}: {' '.join(text.split())[:80]}"
        for path in app_modules()
        if not any(fnmatch.fnmatch(path, glob) for glob in fence)
        for line, text in strings(path)
        if STATEMENTS.search(text)
    ]
    message = "SQL outside the SQL modules (move it there, or list the module in pyproject):"
    assert outside == [], "\n".join([message, *outside])


def test_the_scan_finds_sql_in_f_strings_and_ignores_prose():
    assert STATEMENTS.search("SELECT {} FROM {} a JOIN {} i ON i.id = a.item_id")
    assert STATEMENTS.search("UPDATE {} SET status = %s WHERE id = %s")
    assert not STATEMENTS.search("the conditional UPDATE makes the claim safe")
    assert not STATEMENTS.search("rows under SELECT ... FOR UPDATE SKIP LOCKED")
    assert STATEMENTS.search("SET LOCAL synchronous_commit TO OFF; ")
