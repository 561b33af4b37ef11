"""Dependencies point one way: webui -> workflows -> engine -> SpiffWorkflow. Nothing imports webui."""

import ast
import pathlib
import re
import tokenize

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "engine": {"workflows", "webui", "flask", "flask_login", "flask_wtf", "marshmallow"},
    "workflows": {"webui", "flask", "flask_login", "flask_wtf"},
}


def imports(path: pathlib.Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_forbidden_imports(package):
    bad = []
    for path in (ROOT / package).rglob("*.py"):
        wrong = imports(path) & FORBIDDEN[package]
        if wrong:
            bad.append(f"{path.relative_to(ROOT)} imports {sorted(wrong)}")
    assert bad == []


def test_nothing_outside_webui_imports_webui():
    bad = []
    for package in ("engine", "workflows", "bench", "tools"):
        for path in (ROOT / package).rglob("*.py"):
            if "webui" in imports(path):
                bad.append(str(path.relative_to(ROOT)))
    assert bad == []


PROCEDURE_NAMES = re.compile(r"child_protection|child_key|trafficking", re.IGNORECASE)


def _code_without_comments(path: pathlib.Path) -> list[tuple[int, str]]:
    """(line, text) of every token of the file that is not a comment (strings and docstrings included)."""
    with path.open("rb") as fh:
        return [(tok.start[0], tok.string) for tok in tokenize.tokenize(fh.readline)
                if tok.type not in (tokenize.COMMENT, tokenize.ENCODING)]


@pytest.mark.parametrize("package", ["engine", "webui"])
def test_engine_and_webui_name_no_procedure(package):
    """A procedure lives in workflows/<code>/ only: the engine and the web shell name none (issue #15)."""
    bad = [f"{path.relative_to(ROOT)}:{line}: {text.strip()[:60]}"
           for path in sorted((ROOT / package).rglob("*.py"))
           for line, text in _code_without_comments(path) if PROCEDURE_NAMES.search(text)]
    assert bad == []


def test_engine_schema_has_no_procedure_column():
    from engine.db import Base

    bad = [f"{t.name}.{c.name}" for t in Base.metadata.sorted_tables for c in t.columns
           if PROCEDURE_NAMES.search(c.name) or re.search(r"child|victim", c.name)]
    assert bad == []


def test_no_module_over_400_lines():
    bad = [f"{p.relative_to(ROOT)}: {n}" for package in ("engine", "workflows", "webui")
           for p in (ROOT / package).rglob("*.py") if "migrations/versions" not in str(p)
           and (n := len(p.read_text(encoding="utf-8").splitlines())) > 400]
    assert bad == []
