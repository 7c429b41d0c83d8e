"""Write ``corpus.jsonl``: hostile queries and updates that try to reach a loopback listener.

Run ``python tests/hostile/generate.py`` after changing the templates; the corpus is kept in
the repository so that a change of it shows in review. Placeholders, filled at test time:
``{PORT}`` the listener's port (not on the allow-list), ``{APORT}`` an allow-listed
listener's port. Each line: ``{"kind": "query"|"update", "name": ..., "text": ...}``.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent

#: Spellings of the forbidden listener's address (all mean 127.0.0.1:{PORT} to some client).
HOSTS = {
    "ip": "127.0.0.1:{PORT}",
    "short": "127.1:{PORT}",
    "localhost": "localhost:{PORT}",
    "hex": "0x7f000001:{PORT}",
    "decimal": "2130706433:{PORT}",
    "octal": "0177.0.0.1:{PORT}",
    "mapped": "[::ffff:127.0.0.1]:{PORT}",
    "userinfo-allowed": "127.0.0.1:{APORT}@127.0.0.1:{PORT}",
    "userinfo": "user:pw@127.0.0.1:{PORT}",
    "upper": "LOCALHOST:{PORT}",
}


def _escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04X}" if c.isalnum() else c for c in text)


def service_clauses(host: str) -> dict[str, tuple[str, str]]:
    """(prologue, group pattern) pairs that each try a SERVICE call to *host*."""
    t = f"http://{host}/sparql"
    ns = f"http://{host}/"
    body = "{ ?s ?p ?o }"
    return {
        "plain": ("", f"SERVICE <{t}> {body}"),
        "silent": ("", f"SERVICE SILENT <{t}> {body}"),
        "glued": ("", f"service<{t}>{body}"),
        "mixed-case": ("", f"SeRvIcE <{t}> {body}"),
        "prefixed": (f"PREFIX e: <{ns}>", f"SERVICE e:sparql {body}"),
        "bypass-1": (f"PREFIX : <{ns}>", f"SERVICE:sparql {body}"),
        "bypass-1-declared": (
            f"PREFIX SERVICE: <http://example.org/> PREFIX : <{ns}>",
            f"SERVICE:sparql {body}",
        ),
        "silent-glued": (f"PREFIX : <{ns}>", f"SERVICE SILENT:sparql {body}"),
        "escaped-iri": ("", f"SERVICE <http://{_escaped(host)}/sparql> {body}"),
        "bypass-2": ("", f'?s ?p "\\u0022" . SERVICE <{t}> {body} ?s ?p "\\u0022"'),
        "bypass-2-single": ("", f"?s ?p '\\u0027' . SERVICE <{t}> {body} ?s ?p '\\u0027'"),
        "escaped-keyword": ("", f"SERV\\u0049CE <{t}> {body}"),
        "base": (f"BASE <{ns}>", f"SERVICE <sparql> {body}"),
        "base-empty": (f"BASE <{t}>", f"SERVICE <> {body}"),
        "relative-prefix": (f"BASE <{ns}> PREFIX r: <>", f"SERVICE r:sparql {body}"),
        "bind-variable": ("", f"BIND(<{t}> AS ?e) SERVICE ?e {body}"),
        "values-variable": ("", f"VALUES ?e {{ <{t}> }} SERVICE $e {body}"),
        "optional": ("", f"OPTIONAL {{ SERVICE <{t}> {body} }}"),
        "exists": ("", f"FILTER EXISTS {{ SERVICE <{t}> {body} }}"),
        "subquery": ("", f"{{ SELECT * WHERE {{ SERVICE <{t}> {body} }} }}"),
        "union": ("", f"{{ }} UNION {{ SERVICE <{t}> {body} }}"),
        "minus": ("", f"?s ?p ?o MINUS {{ SERVICE <{t}> {body} }}"),
        "comment-newline": ("", f"# \\u000a\nSERVICE <{t}> {body}"),
        "comment-glued": ("", f"SERVICE#x\n<{t}>{body}"),
        "long-string-quote": ("", f'?s ?p """a"b""" . SERVICE <{t}> {body}'),
        "escaped-quote": ("", f'?s ?p "a\\"b" . SERVICE <{t}> {body}'),
        "dot-segments": ("", f"SERVICE <http://{host}/x/../sparql> {body}"),
        "graph-nested": ("", f"GRAPH ?g {{ SERVICE <{t}> {body} }}"),
    }


FORMS = {
    "select": "{prologue} SELECT * WHERE {{ {pattern} }}",
    "ask": "{prologue} ASK {{ {pattern} }}",
    "construct": "{prologue} CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {pattern} }}",
    "describe": "{prologue} DESCRIBE ?s WHERE {{ {pattern} }}",
}
UPDATES = {
    "insert": "{prologue} INSERT {{ <urn:x:s> <urn:x:p> ?o }} WHERE {{ {pattern} }}",
    "delete": "{prologue} DELETE {{ ?s ?p ?o }} WHERE {{ {pattern} }}",
    "with": "{prologue} WITH <urn:x:g> DELETE {{ ?s ?p ?o }} INSERT {{ ?s ?p ?o }} "
    "WHERE {{ {pattern} }}",
}


def loads(host: str) -> dict[str, str]:
    t = f"http://{host}/data.ttl"
    ns = f"http://{host}/"
    return {
        "load": f"LOAD <{t}>",
        "load-silent": f"LOAD SILENT <{t}>",
        "load-into": f"LOAD <{t}> INTO GRAPH <urn:x:g>",
        "load-glued": f"load<{t}>",
        "load-prefixed": f"PREFIX : <{ns}> LOAD:data.ttl",
        "load-silent-prefixed": f"PREFIX : <{ns}> LOAD SILENT:data.ttl",
        "load-after": f"CLEAR SILENT GRAPH <urn:x:g> ; LOAD <{t}>",
        "load-escaped": f"L\\u004FAD <{t}>",
        "load-escaped-iri": f"LOAD <http://{_escaped(host)}/data.ttl>",
        "load-base": f"BASE <{ns}> LOAD <data.ttl>",
    }


def corpus() -> list[dict[str, str]]:
    items = []
    for host_name, host in HOSTS.items():
        for clause_name, (prologue, pattern) in service_clauses(host).items():
            for form, template in FORMS.items():
                items.append(
                    {
                        "kind": "query",
                        "name": f"{form}/{clause_name}/{host_name}",
                        "text": template.format(prologue=prologue, pattern=pattern),
                    }
                )
            for op, template in UPDATES.items():
                if host_name in ("ip", "short", "hex", "userinfo-allowed"):
                    items.append(
                        {
                            "kind": "update",
                            "name": f"{op}/{clause_name}/{host_name}",
                            "text": template.format(prologue=prologue, pattern=pattern),
                        }
                    )
        for load_name, text in loads(host).items():
            items.append({"kind": "update", "name": f"{load_name}/{host_name}", "text": text})
    return items


if __name__ == "__main__":
    lines = [json.dumps(item, ensure_ascii=False) for item in corpus()]
    (HERE / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} items written to {HERE / 'corpus.jsonl'}")
