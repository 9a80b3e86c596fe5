"""`benchmarks/workspace.py --rows 2000 --quick` runs the workspace benchmark end to end on
SQLite and PostgreSQL with small counts, so its code cannot rot. Budgets are not checked here
(timed tests would be flaky): the full run reports them. What is checked is that it really
ran: applications generated and loaded, every role signed in and querying, every search
finding its application, the CSV export writing every row with the BOM and the header."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from forms_service.staff.routes import CSV_COLUMNS

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

pytestmark = pytest.mark.integration

ROWS = 2000


def test_the_workspace_benchmark_smoke_mode_generates_queries_and_exports(tmp_path: Path):
    import workspace as bench

    earlier = "# Benchmark results\n\n## Earlier section\n\ntext\n"
    stale = "## Workspace at 10 applications\n\nan older run\n"
    (tmp_path / "RESULTS.md").write_text(earlier + "\n" + stale)
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "workspace.py"), "--rows", str(ROWS),
         "--quick", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-4000:] + done.stdout[-2000:]
    results = json.loads((tmp_path / "workspace_results.json").read_text())
    assert results["rows"] == ROWS
    assert results["quick"] is True
    assert results["errors"] == []
    assert set(results["databases"]) == {"sqlite", "postgresql"}
    for db, res in results["databases"].items():
        assert res["rows"] == ROWS, db
        assert res["duplicate_links"] > 0, db  # people who applied twice are linked
        for role in bench.ROLES:
            for case in bench.CASES:
                row = res["cases"][role][case]
                for level in ("service_ms", "view_ms", "view_cpu_ms"):
                    s = row[level]
                    assert s["n"] == results["reps"], (db, role, case, level)
                    assert 0 < s["p50"] <= s["p95"] <= s["p99"] <= s["max"], (db, role, case)
                if case.startswith("search_"):
                    assert row["found"] == row["reps"], (db, role, case)
        # Each scope sees its share: a Brussels coordinator < the Belgian lead < an admin.
        seen = [res["cases"][role]["first_page"]["median_total"] for role in bench.ROLES]
        assert 0 < seen[0] < seen[1] < seen[2] == ROWS, (db, seen)
        export = res["export"]
        for name in ("small", "big"):
            e = export[name]
            assert e["rows"] == e["expected_rows"] > 0, (db, name)
            assert e["bom"] is True, (db, name)
            assert e["header"] == ",".join(CSV_COLUMNS), (db, name)
            assert e["seconds"] > 0 and e["traced_peak_mb"] > 0, (db, name)
        assert export["small"]["rows"] < export["big"]["rows"], db
        # The plans were read from the database itself, for every statement of the queue.
        assert any("ix_application_branch_queue" in index for index in res["indexes"]), db
        assert res["plans"] and all(p["plan"] for p in res["plans"]), db
    report = (tmp_path / "workspace_results.md").read_text()
    assert f"## Workspace at {ROWS:,} applications" in report
    assert "| DB | Role | Case |" in report
    assert "EXPLAIN QUERY PLAN" in report and "EXPLAIN (ANALYZE, BUFFERS)" in report
    # `make bench` runs it last: its section replaces the older one at the end of RESULTS.md.
    assert (tmp_path / "RESULTS.md").read_text() == earlier + "\n" + report
