"""Rendering a results dict (see ``bench.run``) as Markdown: absolute figures and ratios.

Ratios are always parkld ÷ peer: above 1 is better for throughput, below 1 is better for
times and memory. A cell says *why* there is no number: ``skipped`` (system not available,
reason in the notes), ``n/a`` (no equivalent request), ``HTTP nnn`` (the probe failed).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

PEERS = ("oxigraph", "rdflib-endpoint", "virtuoso")
SPARQL_QUERIES = ("describe", "per_country", "alliance_2hop", "label_search", "bbox")


def _f(x: float | None, digits: int = 1) -> str:
    if x is None:
        return "—"
    if x >= 100:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def _ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    return f"{r:.2f}×" if r < 100 else f"{r:,.0f}×"


def _systems(size: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in size["systems"]}


def _fig(sysd: dict[str, Any] | None, q: str) -> dict[str, Any] | None:
    if not sysd or "skipped" in sysd:
        return None
    f = (sysd.get("queries") or {}).get(q)
    return f if isinstance(f, dict) else None


def rps(run: dict[str, Any] | None) -> float | None:
    if not run or run["seconds"] <= 0:
        return None
    return float(run["requests"] - run["errors"]) / float(run["seconds"])


def rps_estimate(sysd: dict[str, Any] | None, q: str, c: int) -> tuple[float | None, bool]:
    """A system's throughput for *q* at concurrency *c*, and whether it is an estimate.

    A system so slow that no answer came back within a whole load run (rdflib-endpoint on
    label search at 1M) has rate 0 there, which says only "under one per run". Its probe —
    one request timed to completion before the runs — gives the rate it really sustains:
    1 / probe seconds. That estimate also stands for the concurrency levels not run after such
    a level ("slow"): a system that answers under one query per run at concurrency 1 is not
    sped up by queueing more (rdflib evaluates in one process under the GIL). Marked ≈.
    """
    measured = rps(run_of(sysd, q, c))
    if measured:
        return measured, False
    fig = _fig(sysd, q)
    if not fig or fig["probe"].get("status") != 200 or not fig["probe"].get("seconds"):
        return measured, False
    if measured == 0 or (measured is None and fig.get("slow")):
        return 1.0 / float(fig["probe"]["seconds"]), True
    return measured, False  # not run for another reason: no figure


def _cell_missing(sysd: dict[str, Any] | None, q: str) -> str | None:
    """Why a system has no figure for *q*, or None when it has one."""
    if sysd is None:
        return "not run"
    if "skipped" in sysd:
        return "skipped"
    fig = (sysd.get("queries") or {}).get(q, "missing")
    if fig is None:
        return "n/a"
    if fig == "missing":
        return "not run"
    if fig["probe"]["status"] != 200:
        return f"HTTP {fig['probe']['status']}" if fig["probe"]["status"] else "no answer"
    return None


def run_of(sysd: dict[str, Any] | None, q: str, c: int) -> dict[str, Any] | None:
    fig = _fig(sysd, q)
    if not fig:
        return None
    r: dict[str, Any] | None = fig["runs"].get(str(c))
    return r


def _err(run: dict[str, Any] | None) -> str:
    return f" ({run['errors']} err)" if run and run["errors"] else ""


def geomean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v]
    if not vals or len(vals) != len(values):
        return None
    return math.exp(sum(math.log(v) for v in vals) / len(vals))


def targets(size: dict[str, Any], conc: list[int]) -> list[tuple[str, str, str, str]]:
    """(target, parkld, peer, verdict) rows for the issue's targets on one size."""
    s = _systems(size)
    pk, ox, rl = s.get("parkld"), s.get("oxigraph"), s.get("rdflib-endpoint")
    rows: list[tuple[str, str, str, str]] = []

    def verdict(ok: bool | None) -> str:
        return "—" if ok is None else ("met" if ok else "**not met**")

    for c in conc:
        for peer, peer_d, factor in (("oxigraph", ox, 0.7), ("rdflib-endpoint", rl, 20.0)):
            a = geomean([rps(run_of(pk, q, c)) for q in SPARQL_QUERIES])
            found = [rps_estimate(peer_d, q, c) for q in SPARQL_QUERIES]
            b = geomean([v for v, _ in found])
            est = "≈" if any(e for _, e in found) else ""
            ok = None if a is None or b is None else a >= factor * b
            rows.append(
                (
                    f"SPARQL throughput c={c} (geomean of 5 queries) ≥ {factor:g}× {peer}",
                    _f(a),
                    est + _f(b),
                    f"{est}{_ratio(a, b)} {verdict(ok)}",
                )
            )
            a = rps(run_of(pk, "deref_ttl", c))
            b, estimated = rps_estimate(peer_d, "deref_ttl", c)
            est = "≈" if estimated else ""
            ok = None if a is None or b is None else a >= factor * b
            rows.append(
                (
                    f"dereference (Turtle) throughput c={c} ≥ {factor:g}× {peer}",
                    _f(a),
                    est + _f(b),
                    f"{est}{_ratio(a, b)} {verdict(ok)}",
                )
            )
    p50 = [(run_of(pk, q, 1), run_of(ox, q, 1)) for q in SPARQL_QUERIES]
    a = geomean([r["p50_ms"] if r else None for r, _ in p50])
    b = geomean([r["p50_ms"] if r else None for _, r in p50])
    ok = None if a is None or b is None else a <= 1.3 * b
    rows.append(
        (
            "p50 of the query mix (geomean, ms) ≤ 1.3× oxigraph",
            _f(a, 2),
            _f(b, 2),
            f"{_ratio(a, b)} {verdict(ok)}",
        )
    )
    cold = pk.get("cold_start") if pk else None
    rows.append(
        (
            "cold start (restart, s) < 1 s",
            _f(cold, 2),
            _f(ox.get("cold_start") if ox else None, 2),
            verdict(None if cold is None else cold < 1.0),
        )
    )
    a = pk.get("serving_peak_mib") if pk else None
    b = ox.get("serving_peak_mib") if ox else None
    ok = None if a is None or b is None else a <= 1.5 * b
    rows.append(
        (
            "peak memory serving (PSS, MiB) ≤ 1.5× oxigraph",
            _f(a),
            _f(b),
            f"{_ratio(a, b)} {verdict(ok)}",
        )
    )
    return rows


def render(res: dict[str, Any], notes: Path | None = None) -> str:
    """The Markdown report; *notes* (hand-written analysis of a run) is appended when given."""
    m = res["machine"]
    out = ["# parkld benchmark results", ""]
    if res.get("smoke"):
        out += [
            "**Smoke run** (tiny graph, short runs): proves the harness works; "
            "the figures mean nothing.",
            "",
        ]
    out += [
        f"- **Date:** {res['date']}",
        f"- **Machine:** {m['cores']} cores ({m['cpu']}), {m['memory_gib']} GiB memory, "
        f"Linux {m['kernel']}, Python {m['python']}; load average at start "
        f"{' '.join(m['load_at_start'])}",
        f"- **Command:** `{res['command']}`",
        f"- **Load generator:** {m['loadgen']}; each run {res['seconds_per_run']:g} s per "
        f"query and concurrency ({', '.join(map(str, res['concurrency']))}); "
        "latency percentiles from the concurrency-1 run",
        f"- **Wall time:** {res.get('wall_seconds', 0):.0f} s",
    ]
    out += [f"- **Note:** {n}" for n in res.get("notes", [])]
    if notes is not None and notes.exists() and not res.get("smoke"):
        out.append(
            "- **Read with:** *Notes on this run* at the end (machine load, what was "
            "not run, where parkld falls short and why, recommendations)"
        )
    out.append("")
    if res.get("shacl_shipped"):
        sh = res["shacl_shipped"]
        out += [
            f"SHACL validation of the shipped data (`parkld validate`): "
            f"{_f(sh['seconds'], 2)} s, exit {sh['exit']}, peak {_f(sh['peak_mib'])} MiB.",
            "",
        ]
    sizes = [s for s in res["sizes"] if s["systems"]]
    if sizes:
        big = sizes[-1]
        out += [
            f"## Targets (issue #7) on the largest size run: {big['label']}",
            "",
            "Each load run sends one query text over and over, which parkld's response memo "
            "replays after the first answer: these throughputs measure the memo, not the "
            "evaluation (the A/B's *distinct* rows below do).",
            "",
            "| target | parkld | peer | parkld ÷ peer |",
            "|---|---:|---:|---|",
        ]
        rows = targets(big, res["concurrency"])
        out += [f"| {t} | {a} | {b} | {v} |" for t, a, b, v in rows]
        out.append("")
        if any("≈" in b for _, _, b, _ in rows):
            out += [
                "≈: the peer answered no query of a kind within a whole load run (or that "
                "level was not run after such a run); its rate there is 1 ÷ the time of one "
                "request timed to completion (the probe).",
                "",
            ]
    ab_sizes = [s for s in sizes if s.get("ab")]
    if ab_sizes:
        out += [
            "## Targets (issue 15): interleaved A/B against `oxigraph serve-read-only`",
            "",
            "Medians of interleaved runs (`bench/ab.py`, A/B order alternating). *Repeated*: the "
            "same request the whole run, which parkld's response memo replays (what a public "
            "endpoint's result cache does). *Distinct*: no request twice in the whole A/B (a "
            "different park per dereference, a counter in each query's comment), so every "
            "answer is made afresh. The query mix of the tables below repeats one text per run "
            "and so measures the memo; these rows are the ones to read for the engine path.",
            "",
        ]
        for size in ab_sizes:
            out += ab_section(size["ab"])
    for size in sizes:
        out += _size_section(size, res["concurrency"])
    if res.get("reliability"):
        from bench.reliability import render as render_reliability

        out += render_reliability(res["reliability"])
    if notes is not None and notes.exists() and not res.get("smoke"):
        out += [notes.read_text().rstrip(), ""]
    return "\n".join(out) + "\n"


#: Issue 15's floor for parkld ÷ Oxigraph per A/B case.
AB_TARGETS = {"deref_ttl": 1.5, "ask": 0.8, "describe": 0.8, "two_hop": 0.8}
AB_NAMES = {
    "deref_ttl": "dereference a park, Turtle (Oxigraph: its CONSTRUCT)",
    "ask": "`ASK {}`",
    "describe": "DESCRIBE one park",
    "two_hop": "2-hop join",
}


def ab_section(ab: dict[str, Any]) -> list[str]:
    """The A/B of one size: a row per case, mode and concurrency, then memory."""
    load = " / ".join(
        " ".join(f"{x:.1f}" for x in ab.get(k, [])) for k in ("load_before", "load_after")
    )
    out = [
        f"### {ab['size']} ({ab['parks']:,} parks), server {ab['server']}; load average "
        f"before / after: {load}",
        "",
        "| request | mode | c | parkld req/s | oxigraph req/s | parkld ÷ oxigraph "
        "| CPU µs per request, parkld / oxigraph | target |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in ab["rows"]:
        floor = AB_TARGETS.get(r["case"])
        ratio = r.get("ratio")
        verdict = (
            "—"
            if floor is None or ratio is None
            else (f"≥ {floor:g}×: met" if ratio >= floor else f"≥ {floor:g}×: **missed**")
        )
        out.append(
            f"| {AB_NAMES.get(r['case'], r['case'])} | {r['mode']} | {r['c']} "
            f"| {_f(r.get('parkld_rps'))} | {_f(r.get('oxigraph_rps'))} "
            f"| {_ratio(r.get('parkld_rps'), r.get('oxigraph_rps'))} "
            f"| {_f(r.get('parkld_cpu_us'), 0)} / {_f(r.get('oxigraph_cpu_us'), 0)} | {verdict} |"
        )
    rest, peak = ab.get("rest_mib", {}), ab.get("peak_mib", {})
    out.append("")
    for what, d in (("at rest", rest), ("peak during the A/B", peak)):
        a, b = d.get("parkld"), d.get("oxigraph")
        ok = None if a is None or b is None else a <= 1.5 * b
        verdict = "—" if ok is None else ("met" if ok else "**missed**")
        out.append(
            f"- Memory {what} (PSS of the process tree): parkld {_f(a)} MiB, oxigraph "
            f"{_f(b)} MiB, {_ratio(a, b)} (target ≤ 1.5×: {verdict})"
        )
    out.append("")
    return out


def _size_section(size: dict[str, Any], conc: list[int]) -> list[str]:
    s = _systems(size)
    names = ["parkld", *PEERS]
    out = [
        f"## {size['label']}: {size['quads']:,} quads "
        f"({size['generated_triples']:,} generated + the project's own), "
        f"{size['parks']:,} parks",
        "",
    ]
    skipped = [f"{n}: {s[n]['skipped']}" for n in names if n in s and "skipped" in s[n]]
    if skipped:
        out += ["Skipped here: " + "; ".join(skipped), ""]

    out += [
        "### Load and start",
        "",
        "| system | build / load s | load peak MiB | cold start s (port open) "
        "| PSS after start MiB | peak PSS serving MiB | how |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for n in names:
        d = s.get(n)
        if d is None:
            continue
        if "skipped" in d:
            out.append(f"| {n} | skipped | | | | | {d['skipped']} |")
            continue
        load = d.get("load", {})
        cold = (
            _f(d.get("cold_start"), 2)
            if d.get("cold_status") == 200
            else f"no 200 (HTTP {d.get('cold_status')})"
        )
        cold += f" ({_f(d.get('accept'), 2)})"
        out.append(
            f"| {n} | {_f(load.get('seconds'), 2)} | {_f(load.get('peak_mib'))} | "
            f"{cold} | {_f(d.get('start_mib'))} | {_f(d.get('serving_peak_mib'))} | "
            f"{load.get('note', '')} |"
        )
    out += [
        "",
        "Cold start: process start → first 200 on `ASK {}` at the SPARQL endpoint, the "
        "store already built or loaded (a restart); in brackets, when the port first "
        "accepted a connection. PSS: proportional set size of the whole process tree "
        "(gunicorn's workers and query workers share pages).",
    ]
    pk = s.get("parkld")
    if pk and pk.get("load", {}).get("phases"):
        ph = pk["load"]["phases"]
        out += [
            "",
            "parkld build phases: "
            + ", ".join(f"{k} {_f(v, 2)} s" for k, v in ph.items())
            + " (SHACL = validation of this graph with the project's shapes; a build of 16 MB"
            " or more validates in a second process while it loads: its *shacl wait* is what"
            " follows the load, the verdict and the per-resource reports).",
        ]
    out += [
        "",
        "parkld ÷ peer: "
        + "; ".join(
            f"{p}: cold start {_ratio(_g(pk, 'cold_start'), _g(s.get(p), 'cold_start'))}, "
            f"peak serving memory "
            f"{_ratio(_g(pk, 'serving_peak_mib'), _g(s.get(p), 'serving_peak_mib'))}"
            for p in PEERS
            if p in s
        ),
        "",
    ]

    out += [
        "### Latency at concurrency 1: p50 / p99 ms",
        "",
        "| query | rows (parkld / "
        + " / ".join(PEERS)
        + ") | "
        + " | ".join(names)
        + " | "
        + " | ".join(f"p50 ÷ {p}" for p in PEERS)
        + " |",
        "|---|---|" + "---:|" * len(names) + "---:|" * len(PEERS),
    ]
    for q in size["queries"]:
        rows = []
        for n in names:
            fig = _fig(s.get(n), q["name"])
            rows.append(
                str(fig["probe"]["rows"]) if fig and fig["probe"]["rows"] is not None else "·"
            )
        cells = []
        for n in names:
            miss = _cell_missing(s.get(n), q["name"])
            r = run_of(s.get(n), q["name"], 1)
            if r and r["requests"] - r["errors"] == 0:
                cells.append(miss or f"none in {r['seconds']:.0f} s")
                continue
            cells.append(
                miss or (f"{_f(r['p50_ms'], 2)} / {_f(r['p99_ms'], 2)}{_err(r)}" if r else "—")
            )
        base = run_of(pk, q["name"], 1)
        ratios = [
            _ratio(
                base["p50_ms"] if base else None,
                (run_of(s.get(p), q["name"], 1) or {}).get("p50_ms"),
            )
            for p in PEERS
        ]
        title = q["title"] + (f" ({q['peer_note']})" if q.get("peer_note") else "")
        out.append(
            f"| {title} | {' / '.join(rows)} | "
            + " | ".join(cells)
            + " | "
            + " | ".join(ratios)
            + " |"
        )
    out += [
        "",
        "Rows: SELECT rows or RDF triples of the answer; DESCRIBE differs by design "
        "between engines (Oxigraph: concise bounded description; Virtuoso and rdflib: "
        "their own), and parkld's dereference returns its own page graph.",
        "",
    ]

    out += [
        "### Throughput: successful requests per second",
        "",
        "| query | c | " + " | ".join(names) + " | " + " | ".join(f"÷ {p}" for p in PEERS) + " |",
        "|---|---:|" + "---:|" * len(names) + "---:|" * len(PEERS),
    ]
    for q in size["queries"]:
        for c in conc:
            cells = []
            for n in names:
                miss = _cell_missing(s.get(n), q["name"])
                r = run_of(s.get(n), q["name"], c)
                slow = (_fig(s.get(n), q["name"]) or {}).get("slow")
                cells.append(miss or (f"{_f(rps(r))}{_err(r)}" if r else "slow" if slow else "—"))
            base_rps = rps(run_of(pk, q["name"], c))
            ratios = [_ratio(base_rps, rps(run_of(s.get(p), q["name"], c))) for p in PEERS]
            out.append(
                f"| {q['name']} | {c} | " + " | ".join(cells) + " | " + " | ".join(ratios) + " |"
            )
    out += [
        "",
        "*slow*: fewer than 3 answers at concurrency 1 in a whole run, so the higher "
        "levels were not run (their backlog would spill into the next run).",
        "",
        "<details><summary>The queries</summary>",
        "",
    ]
    for q in size["queries"]:
        text = q["sparql"] or "(parkld page only)"
        out += [f"- **{q['name']}** (Accept: `{q['accept']}`): `{text}`"]
    out += ["", "</details>", ""]
    return out


def _g(d: dict[str, Any] | None, key: str) -> float | None:
    if not d or "skipped" in d:
        return None
    v = d.get(key)
    return float(v) if isinstance(v, int | float) else None
