"""``parkld --quiet``: long commands report progress (stderr) and a summary (stdout) unless
quiet; quiet keeps errors and requested output (query results)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def test_build_and_dump_report_progress_unless_quiet(cli: Any, tmp_path: Path) -> None:
    loud = cli("build", "--force")
    assert loud.exit_code == 0
    assert "… " in loud.stderr and "built store" in loud.stdout
    silent = cli("--quiet", "build", "--force")
    assert silent.exit_code == 0
    assert silent.stdout == "" and silent.stderr == ""
    out = tmp_path / "dumps"
    dumped = cli("dump", str(out))
    assert dumped.exit_code == 0
    assert "writing parkld.trig" in dumped.stderr and "statements" in dumped.stdout
    quiet_dump = cli("-q", "dump", str(tmp_path / "dumps2"))
    assert quiet_dump.stdout == "" and quiet_dump.stderr == ""
    assert (tmp_path / "dumps2" / "parkld.trig").read_bytes() == (out / "parkld.trig").read_bytes()


def test_quiet_keeps_query_results_and_errors(cli: Any) -> None:
    assert cli("-q", "build").exit_code == 0
    answer = cli("-q", "query", "-", input="SELECT (1 AS ?one) WHERE {}")
    assert answer.exit_code == 0 and answer.stdout.split() == ["one", "1"]
    bad = cli("-q", "query", "-", input="SELECT nonsense")
    assert bad.exit_code != 0 and bad.stderr.strip()
