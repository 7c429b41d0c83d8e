"""One namespace module: the terms every module writes and the prefix tables come from
:mod:`parkld.namespaces`, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

from parkld import namespaces, project_files
from parkld.linked.index import project_prefixes
from parkld.sparql.results import COMMON_PREFIXES
from parkld.web.sparql import PAGE_PREFIXES

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "parkld"
SOURCES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "namespaces.py")


def _assigned_strings(path: Path) -> list[tuple[int, str, str]]:
    """(line, name, value) of every assignment of a string (or a node made from one)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            value = node.value
            if isinstance(value, ast.Call) and value.args:  # ox.NamedNode("…")
                value = value.args[0]
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for target in targets:
                    if isinstance(target, ast.Name):
                        found.append((node.lineno, target.id, value.value))
    return found


def test_the_source_check_sees_assignments() -> None:
    found = _assigned_strings(PACKAGE / "namespaces.py")
    assert (found[0][1], found[0][2]) == ("RDF", namespaces.RDF)


def test_rdf_type_and_label_are_defined_once() -> None:
    wanted = {namespaces.RDF_TYPE.value, namespaces.RDFS_LABEL.value}
    again = [
        f"{path.relative_to(PACKAGE)}:{line} {name}"
        for path in SOURCES
        for line, name, value in _assigned_strings(path)
        if value in wanted or name in {"RDF_TYPE", "RDFS_LABEL"}
    ]
    assert again == []


def test_prefix_tables_come_from_the_namespace_module() -> None:
    # A dict literal mapping "rdf" to the RDF namespace would be a prefix table of its own.
    tables = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Dict):
                pairs = {
                    k.value: v.value
                    for k, v in zip(node.keys, node.values, strict=True)
                    if isinstance(k, ast.Constant) and isinstance(v, ast.Constant)
                }
                if pairs.get("rdf") == namespaces.RDF:
                    tables.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert tables == []
    standard = namespaces.PREFIXES
    for table in (COMMON_PREFIXES, PAGE_PREFIXES, project_prefixes(project_files.DEFAULT_BASE)):
        assert {p: ns for p, ns in table.items() if p in standard} == {
            p: standard[p] for p in table if p in standard
        }
        assert table["rdf"] == namespaces.RDF
    assert PAGE_PREFIXES["pld"] == project_prefixes(project_files.DEFAULT_BASE)["pld"]


def test_parkld_namespaces_are_under_the_default_base() -> None:
    assert namespaces.PLD == project_files.DEFAULT_BASE + "ontology#"
    assert namespaces.VOCAB == project_files.DEFAULT_BASE + "vocab/"


def test_namespace_iris_are_spelled_out_only_in_the_namespace_module() -> None:
    # An assignment of a namespace (or of a term of one, "…/rdf-schema#seeAlso") elsewhere
    # would be a second definition: such names are built from the module's constants.
    spaces = sorted(set(namespaces.NAMED.values()), key=len, reverse=True)
    again = [
        f"{path.relative_to(PACKAGE)}:{line} {name} = {value}"
        for path in SOURCES
        for line, name, value in _assigned_strings(path)
        if any(
            value == ns or (value.startswith(ns) and value[len(ns) :].isidentifier())
            for ns in spaces
        )
    ]
    assert again == []


def test_turtle_prefix_lines_name_the_module_namespaces() -> None:
    lines = namespaces.turtle_prefixes("rdfs", "pld", ex="https://example.org/")
    assert lines == [
        f"@prefix rdfs: <{namespaces.RDFS}> .",
        f"@prefix pld: <{namespaces.PLD}> .",
        "@prefix ex: <https://example.org/> .",
    ]
    assert namespaces.turtle_prefixes("rdfs", "pld", align=True)[1] == (
        f"@prefix pld:  <{namespaces.PLD}> ."
    )
