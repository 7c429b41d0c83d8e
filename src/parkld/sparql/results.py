"""Serialising query results ourselves, so the row cap can count while it writes.

pyoxigraph serialises a whole result iterator or nothing; to return the first ``max_rows``
rows *and know that more existed* we read one row past the cap and write the kept rows here.
SELECT/ASK: SPARQL 1.1 Query Results JSON, XML, CSV and TSV (with RDF-star triple terms).
Graphs go through Oxigraph's serialisers (every format of :data:`mediatypes.GRAPH_FORMATS`).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from typing import Any

import pyoxigraph as ox

from parkld import mediatypes
from parkld.mediatypes import Format
from parkld.namespaces import PREFIXES, SPARQL_RESULTS, XSD

XSD_STRING = XSD + "string"
RESULTS_NS = SPARQL_RESULTS

Value = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Row = Mapping[str, Value]

#: Prefixes always offered to graph serialisers (the query's own are added).
COMMON_PREFIXES = {p: PREFIXES[p] for p in ("rdf", "rdfs", "xsd")}


# -- SPARQL JSON --------------------------------------------------------------------------
def json_term(term: Value) -> dict[str, Any]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {
        "type": "triple",
        "value": {
            "subject": json_term(term.subject),
            "predicate": json_term(term.predicate),
            "object": json_term(term.object),
        },
    }


def solutions_document(variables: Sequence[str], rows: Sequence[Row]) -> dict[str, Any]:
    """SELECT results as the SPARQL JSON document (a dict, before it is written)."""
    return {
        "head": {"vars": list(variables)},
        "results": {"bindings": [{k: json_term(v) for k, v in row.items()} for row in rows]},
    }


def _json_rows(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    return json.dumps(solutions_document(variables, rows), ensure_ascii=False).encode()


# -- SPARQL XML ---------------------------------------------------------------------------
# Our own two escapes rather than xml.sax.saxutils's: that module imports urllib.request
# (~35 ms), which every query worker's start-up would pay for.
_TEXT_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTR_ESCAPES = str.maketrans(
    {
        "&": "&amp;",
        "<": "&lt;",
        ">": "&gt;",
        '"': "&quot;",
        "\n": "&#10;",
        "\r": "&#13;",
        "\t": "&#9;",
    }
)


def escape(text: str) -> str:
    """*text* safe as XML character data."""
    return text.translate(_TEXT_ESCAPES)


def quoteattr(text: str) -> str:
    """*text* as a double-quoted XML attribute value."""
    return '"' + text.translate(_ATTR_ESCAPES) + '"'


def _xml_term(term: Value) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attr = f" xml:lang={quoteattr(term.language)}"
        elif term.datatype.value != XSD_STRING:
            attr = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attr = ""
        return f"<literal{attr}>{escape(term.value)}</literal>"
    return (
        f"<triple><subject>{_xml_term(term.subject)}</subject>"
        f"<predicate>{_xml_term(term.predicate)}</predicate>"
        f"<object>{_xml_term(term.object)}</object></triple>"
    )


def _xml_doc(head: str, body: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="{RESULTS_NS}">'
        f"<head>{head}</head>{body}</sparql>\n"
    ).encode()


def _xml_rows(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    parts = ["<results>"]
    for row in rows:
        parts.append("<result>")
        parts.extend(
            f"<binding name={quoteattr(k)}>{_xml_term(v)}</binding>" for k, v in row.items()
        )
        parts.append("</result>")
    parts.append("</results>")
    return _xml_doc(head, "".join(parts))


# -- CSV / TSV ----------------------------------------------------------------------------
def _csv_value(term: Value) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _csv_rows(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(row[v]) if v in row else "" for v in variables])
    return out.getvalue().encode()


def _tsv_value(term: Value) -> str:
    # The TSV format writes terms as in Turtle/N-Triples; tabs and newlines must be escaped.
    text = str(term)
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _tsv_rows(variables: Sequence[str], rows: Sequence[Row]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_value(row[v]) if v in row else "" for v in variables) for row in rows]
    return ("\n".join(lines) + "\n").encode()


# -- public -------------------------------------------------------------------------------
def write_solutions(variables: Sequence[str], rows: Sequence[Row], fmt: Format) -> bytes:
    """SELECT results in one of :data:`mediatypes.RESULT_FORMATS`."""
    writer = {
        mediatypes.SPARQL_JSON: _json_rows,
        mediatypes.SPARQL_XML: _xml_rows,
        mediatypes.SPARQL_CSV: _csv_rows,
        mediatypes.SPARQL_TSV: _tsv_rows,
    }[fmt]
    return writer(variables, rows)


def write_boolean(value: bool, fmt: Format) -> bytes:
    """An ASK result. CSV/TSV have no boolean form in the standard; we write ``true``/``false``
    as Oxigraph does."""
    word = "true" if value else "false"
    if fmt is mediatypes.SPARQL_JSON:
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt is mediatypes.SPARQL_XML:
        return _xml_doc("", f"<boolean>{word}</boolean>")
    return f"{word}\n".encode()


def write_triples(
    triples: Sequence[ox.Triple], fmt: Format, prefixes: Mapping[str, str] | None = None
) -> bytes:
    """A graph in one of :data:`mediatypes.GRAPH_FORMATS` (TriG/N-Quads: the default graph)."""
    assert isinstance(fmt.oxigraph, ox.RdfFormat)
    offered = {**COMMON_PREFIXES, **(prefixes or {})}
    if fmt.oxigraph in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        offered = {}
    # Oxigraph's RDF/XML writer needs prefix names that are XML names.
    if fmt.oxigraph is ox.RdfFormat.RDF_XML:
        offered = {k: v for k, v in offered.items() if k and k[0].isalpha()}
    return ox.serialize(triples, format=fmt.oxigraph, prefixes=offered) or b""
