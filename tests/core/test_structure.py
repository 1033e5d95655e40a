"""The tree stays readable: small modules that say what they hold, no import cycles, layers kept."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "mimicry"
APP = ROOT / "app" / "mimicry_app"
#: Longest module allowed, lines.
MAX_MODULE_LINES = 400


def _modules() -> list[Path]:
    # The app's modules are read as text only: this test needs no Qt.
    return sorted(SRC.rglob("*.py")) + sorted(APP.rglob("*.py"))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_is_small_and_opens_with_what_it_holds(path):
    text = path.read_text(encoding="utf-8")
    name = path.relative_to(ROOT)
    n = text.count("\n")
    assert n <= MAX_MODULE_LINES, f"{name} has {n} lines (at most {MAX_MODULE_LINES})"
    if path.name == "_version.py":
        return
    doc = ast.get_docstring(ast.parse(text))
    assert doc and doc.splitlines()[0].strip(), f"{name} has no one-line docstring"


def test_no_import_cycles():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("mimicry")
    # Tarjan's strongly connected components over module -> imported module.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for m in sorted(graph.modules):
        if m not in index:
            visit(m)
    assert cycles == [], f"import cycles: {cycles}"


def test_every_frame_source_kind_opens_through_the_registry():
    """Each name in the registry points at a module:function that exists."""
    import importlib

    from mimicry.sources.base import SOURCES

    for kind, target in SOURCES.items():
        module, name = target.split(":")
        assert callable(getattr(importlib.import_module(module), name)), kind
