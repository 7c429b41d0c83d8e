"""The package's layers, checked on its source: no import cycles, Flask only in ``web/``, and
no lower layer importing a higher one.

Every import counts, including those inside functions: a function-level import hides a cycle
from Python's loader, not from a reader. ``from package import submodule`` is an import of the
submodule only (the package's ``__init__`` has already run by then).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "parkld"

# Higher layers may import lower ones, never the reverse. Everything not listed is the core.
LAYERS = {"parkld.cli": 2, "parkld.web": 1}


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The parkld modules that module *name* imports, anywhere in its body."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = node.module or ""
            submodules = {f"{source}.{a.name}" for a in node.names} & MODULES.keys()
            found |= submodules
            if len(submodules) < len(node.names):
                found.add(source)
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: imports_of(name) for name in MODULES}


def layer(name: str) -> int:
    return max(
        (
            rank
            for prefix, rank in LAYERS.items()
            if name == prefix or name.startswith(prefix + ".")
        ),
        default=0,
    )


def cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(GRAPH[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return found


def test_the_analysis_sees_function_level_imports() -> None:
    # build.py imports the validator inside a function (pySHACL is slow to import).
    assert "parkld.validate" in GRAPH["parkld.build"]
    assert len(MODULES) > 50


def test_no_import_cycles() -> None:
    assert cycles() == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_flask_only_in_web(name: str) -> None:
    if layer(name) == 1:
        return
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    flask = [
        n.lineno
        for n in ast.walk(tree)
        if (
            isinstance(n, ast.Import)
            and any(a.name.split(".")[0] in {"flask", "werkzeug"} for a in n.names)
        )
        or (
            isinstance(n, ast.ImportFrom)
            and (n.module or "").split(".")[0] in {"flask", "werkzeug"}
        )
    ]
    assert not flask, f"{name} imports Flask/werkzeug at lines {flask}"


def test_lower_layers_never_import_higher_ones() -> None:
    upward = sorted((a, b) for a, targets in GRAPH.items() for b in targets if layer(b) > layer(a))
    assert upward == []


def reachable(name: str) -> set[str]:
    """Every parkld module that importing *name* may load (its imports, transitively, and the
    packages they live in, whose ``__init__`` runs first)."""
    seen: set[str] = set()
    todo = [name]
    while todo:
        current = todo.pop()
        parts = current.split(".")
        packages = {".".join(parts[:i]) for i in range(2, len(parts))} & MODULES.keys()
        for found in (GRAPH[current] | packages) - seen:
            seen.add(found)
            todo.append(found)
    return seen


def test_sparql_is_below_the_store() -> None:
    # The query machinery (executor, worker, answers) serves the store, never the reverse.
    upward = sorted(
        (a, b)
        for a, targets in GRAPH.items()
        if a.startswith("parkld.sparql")
        for b in targets
        if b == "parkld.store" or b.startswith("parkld.store.")
    )
    assert upward == []


def test_the_query_worker_loads_no_store_module() -> None:
    # It opens its read-only snapshot (parkld.snapshot) without the store package or backends.
    loaded = reachable("parkld.sparql.worker")
    assert "parkld.snapshot" in loaded
    assert sorted(m for m in loaded if m == "parkld.store" or m.startswith("parkld.store.")) == []


def test_stores_write_without_validating() -> None:
    # Validate-then-write is one service above every writer (parkld.writes), not in a backend.
    backends = [m for m in GRAPH if m.startswith("parkld.store.")]
    assert "parkld.store.remote" in backends
    assert [
        (m, b) for m in backends for b in GRAPH[m] if b in {"parkld.validate", "parkld.writes"}
    ] == []
