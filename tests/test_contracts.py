"""Import rules that import-linter cannot express: no function-level import of app.services or app.web inside
app/services and app/web (a hidden circular import); lazy imports of heavy optional libraries stay allowed."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
FORBIDDEN = ("app.services", "app.web")


def _function_level_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(fn):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            found += [(node.lineno, n) for n in names if n.startswith(FORBIDDEN)]
    return found


FILES = sorted(p for package in ("services", "web") for p in (APP / package).rglob("*.py"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(APP)))
def test_no_function_level_import_of_services_or_web(path):
    assert _function_level_imports(path) == [], "import app.services / app.web at the top of the module"


def test_the_check_finds_one(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from app import services\n    from app.web.db import get_session\n")
    assert [n for _, n in _function_level_imports(bad)] == ["app.services", "app.web.db", "app.web.db.get_session"]
