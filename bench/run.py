"""The one benchmark command: ``python -m bench.run`` (see bench/README.md).

For each size: generate the graph, then for parkld and each peer load it, start the server
(cold start), run the query mix at concurrency 1/8/32, stop it. Results go to a JSON file in
``bench/out/`` and, rendered, to ``bench/RESULTS.md`` (or ``--output``).
"""

from __future__ import annotations

import argparse
import json
import platform
import shlex
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import loadgen, procs, queries, report, systems
from bench.dataset import Dataset, prepare
from bench.generate import parse_size
from bench.measure import CONCURRENCY, measure

HERE = Path(__file__).resolve().parent
DEFAULT_SIZES = "10k,100k"
SMOKE_SIZE = "2k"
#: Systems a smoke run measures unless --systems names others: the two that start in well under
#: a second. Virtuoso (a database to create) and rdflib-endpoint (a venv, a slow parse) each add
#: 20+ s, so smoke runs list them as skipped, with that reason, in the table.
SMOKE_SYSTEMS = ("parkld", "oxigraph")


def machine() -> dict[str, Any]:
    """Cores, memory and load: what a reader needs to weigh the figures."""
    mem_kib = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kib = int(line.split()[1])
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    import os

    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kib / 1024 / 1024, 1),
        "cpu": cpu,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "load_at_start": Path("/proc/loadavg").read_text().split()[:3],
        "loadgen": "wrk" if loadgen.have_wrk() else "python fallback (wrk not installed)",
    }


def shacl_shipped(work: Path) -> dict[str, Any]:
    """`parkld validate` of the project's own data (ontology + shapes + data/)."""
    exe = Path(sys.executable).parent / "parkld"
    log = work / "validate-shipped.log"
    log.unlink(missing_ok=True)
    code, seconds, maxrss = procs.run_measured(
        [str(exe), "validate"], log=log, env={"PARKLD_LOG_LEVEL": "WARNING"}
    )
    return {"seconds": seconds, "exit": code, "peak_mib": maxrss / 1024}


def bench_system(
    cls: type[systems.System],
    work: Path,
    ds: Dataset,
    mix: list[queries.Query],
    seconds: float,
    concurrency: tuple[int, ...],
    say: Any,
) -> dict[str, Any]:
    system = cls(work, ds)
    entry: dict[str, Any] = {"name": system.name}
    try:
        system.check()
        say(f"  {system.name}: load")
        load = system.load()
        entry["load"] = {
            "seconds": load.seconds,
            "peak_mib": load.peak_mib,
            "note": load.note,
            "phases": load.phases,
        }
        say(f"  {system.name}: cold start")
        run = system.start()
    except systems.Skipped as exc:
        entry["skipped"] = str(exc)
        say(f"  {system.name}: skipped: {exc}")
        return entry
    try:
        entry["cold_start"] = run.cold_start
        entry["cold_status"] = run.cold_status
        entry["accept"] = run.accept
        entry["start_mib"] = run.sampler.sample() / 1024
        entry["start_peak_mib"] = run.sampler.peak_kib / 1024
        run.sampler.peak_kib = 0  # from here on: peak while serving the mix
        say(f"  {system.name}: query mix ({len(mix)} × {len(concurrency)} runs of {seconds:g} s)")
        figures = measure(system.name, run, mix, seconds, concurrency)
        entry["queries"] = {k: (v.as_dict() if v else None) for k, v in figures.items()}
        entry["serving_peak_mib"] = run.sampler.peak_kib / 1024
        entry["end_mib"] = run.sampler.sample() / 1024
    finally:
        system.stop(run)
    return entry


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    ap.add_argument(
        "--sizes", default=None, help=f"comma-separated triple targets [{DEFAULT_SIZES}]"
    )
    ap.add_argument("--with-1m", action="store_true", help="add the 1M-triple size")
    ap.add_argument(
        "--smoke",
        action="store_true",
        help=f"CI mode: one tiny size ({SMOKE_SIZE}), short runs; proves it works",
    )
    ap.add_argument(
        "--systems",
        default=None,
        help="comma-separated subset of: "
        + ", ".join(c.name for c in systems.ALL)
        + f" [all; smoke: {', '.join(SMOKE_SYSTEMS)}]",
    )
    ap.add_argument(
        "--seconds", type=float, default=None, help="duration of each load run [2; smoke 0.5]"
    )
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--reliability",
        type=float,
        default=None,
        metavar="SECONDS",
        help="also run the reliability workload against parkld for SECONDS (on the largest size)",
    )
    ap.add_argument(
        "--ab",
        action="store_true",
        help="after each size, the interleaved parkld/oxigraph A/B of bench.ab "
        "(cheap requests, repeated and distinct; kept in the results JSON)",
    )
    ap.add_argument(
        "--no-bench",
        action="store_true",
        help="skip the peer comparison (with --reliability: only that run)",
    )
    ap.add_argument("--work", type=Path, default=HERE / "out", help="scratch directory")
    ap.add_argument(
        "--output",
        type=Path,
        default=None,
        help="Markdown results file [bench/RESULTS.md; smoke: WORK/RESULTS-smoke.md]",
    )
    ap.add_argument(
        "--no-peers-venv",
        action="store_true",
        help="do not create bench/.venv-peers when it is missing",
    )
    ap.add_argument(
        "--render",
        type=Path,
        default=None,
        metavar="RESULTS_JSON",
        help="only re-render the Markdown from a saved results-*.json",
    )
    args = ap.parse_args(argv)
    if args.render:
        saved = json.loads(args.render.read_text())
        out = args.output or (HERE / "RESULTS.md")
        out.write_text(report.render(saved, notes=HERE / "NOTES.md"))
        return 0

    sizes = (args.sizes or (SMOKE_SIZE if args.smoke else DEFAULT_SIZES)).split(",")
    if args.with_1m and "1M" not in sizes:
        sizes.append("1M")
    seconds = args.seconds or (0.5 if args.smoke else 2.0)
    concurrency = (1, 8) if args.smoke else CONCURRENCY
    default_systems = SMOKE_SYSTEMS if args.smoke else tuple(c.name for c in systems.ALL)
    wanted = {s.strip() for s in (args.systems or ",".join(default_systems)).split(",")}
    classes = [c for c in systems.ALL if c.name in wanted]
    not_run = (
        "not run in --smoke mode (20+ s each); run without --smoke"
        if args.smoke
        else "left out by --systems"
    )
    output = args.output or (args.work / "RESULTS-smoke.md" if args.smoke else HERE / "RESULTS.md")
    work = args.work
    work.mkdir(parents=True, exist_ok=True)

    def say(msg: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)

    started = time.time()
    results: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.run "
        + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:])),
        "machine": machine(),
        "seconds_per_run": seconds,
        "concurrency": list(concurrency),
        "smoke": args.smoke,
        "sizes": [],
        "notes": [],
    }
    if not args.smoke and not args.no_peers_venv and "rdflib-endpoint" in wanted:
        say("peers venv: checking bench/.venv-peers")
        problem = systems.ensure_peers_venv(work / "peers-venv.log")
        if problem:
            results["notes"].append(problem)
    if not args.no_bench:
        say("SHACL: validating the shipped data")
        results["shacl_shipped"] = shacl_shipped(work)
    ds: Dataset | None = None
    for label in sizes:
        say(f"size {label}: generating")
        ds = prepare(label, parse_size(label), work, args.seed)
        mix = queries.mix(ds.manifest)
        size: dict[str, Any] = {
            "label": label,
            "quads": ds.quads,
            "generated_triples": ds.manifest.triples,
            "parks": ds.manifest.parks,
            "sample_park": ds.manifest.sample_park,
            "queries": [
                {
                    "name": q.name,
                    "title": q.title,
                    "sparql": q.sparql,
                    "peer_note": q.peer_note,
                    "accept": q.accept,
                }
                for q in mix
            ],
            "systems": [],
        }
        results["sizes"].append(size)
        if args.no_bench:
            continue
        for cls in systems.ALL:
            if cls in classes:
                size["systems"].append(bench_system(cls, work, ds, mix, seconds, concurrency, say))
            else:
                size["systems"].append({"name": cls.name, "skipped": not_run})
        if args.ab and {"parkld", "oxigraph"} <= {c.name for c in classes}:
            from bench import ab

            say(f"  A/B parkld vs oxigraph (interleaved, medians) on {label}")
            ab_out = work / f"ab-{label}.json"
            ab.main(["--work", str(work), "--size", label, "--output", str(ab_out)])
            size["ab"] = json.loads(ab_out.read_text())
    if args.reliability and ds is not None:
        from bench import reliability

        say(f"reliability: {args.reliability:g} s at concurrency 32 on {ds.label}")
        results["reliability"] = reliability.run(work, ds, args.reliability, say)
    results["wall_seconds"] = time.time() - started
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (work / f"results-{stamp}.json").write_text(json.dumps(results, indent=1, default=str))
    output.write_text(report.render(results, notes=HERE / "NOTES.md"))
    say(f"wrote {output} ({results['wall_seconds']:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
