"""`benchmarks/run.py --smoke` runs every part of `make bench` with tiny counts, so the benchmark
code cannot rot. Budgets are not checked here (timed tests would be flaky): `make bench` does."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

pytestmark = pytest.mark.integration


def test_smoke_run_writes_every_measure(tmp_path: Path) -> None:
    import run

    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--smoke", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["smoke"] is True
    assert results["errors"] == []
    measures = results["measures"]
    missing = [k for k in run.expected_keys(smoke=True) if k not in measures]
    assert not missing, missing
    for key, row in measures.items():
        assert isinstance(row["value"], int | float), key
    # Every part really ran against its server: pages came back, the service answered.
    assert measures["page_kb.home.fr"]["value"] > 10
    for db in ("sqlite", "postgresql"):
        assert measures[f"service.{db}.trivial_rps"]["value"] > 0
        assert measures[f"service.{db}.outbox_msgs_per_s"]["value"] > 0
    table = (tmp_path / "RESULTS.md").read_text()
    assert "| Measure | Value | Budget | Result |" in table


def test_lighthouse_keeps_the_run_with_the_median_performance_and_says_every_run() -> None:
    import pages

    runs = [{"url": "u", "scores": {"performance": p}, "failing": {}, "n": i}
            for i, p in enumerate((97, 100, 99))]
    kept = pages.median_run(runs)
    assert (kept["n"], kept["scores"]["performance"]) == (2, 99)
    assert kept["performance_runs"] == [97, 100, 99]
