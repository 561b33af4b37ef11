"""Dependencies point one way: webui -> workflows -> engine -> SpiffWorkflow. Nothing imports webui."""

import ast
import pathlib

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
