"""`benchmarks/sessions.py --quick` runs every step of the sessions' benchmark with small
counts (50 clients against gunicorn on SQLite and PostgreSQL, then the list with 500
sessions), so its code cannot rot. No timing is checked here: `make bench` reports them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.integration


def test_the_quick_run_books_on_both_databases_and_never_overbooks(tmp_path: Path) -> None:
    (tmp_path / "RESULTS.md").write_text("# Benchmark results\n\n## Earlier section\n\ntext\n")
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "sessions.py"), "--quick",
         "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    results = json.loads((tmp_path / "sessions_results.json").read_text())
    assert results["quick"] is True
    assert results["errors"] == []
    for db in ("sqlite", "postgresql"):
        run = results["bookings"][db]
        # 50 clients each sent a booking for each session, and every one was answered.
        assert run["booking_client"]["count"] == 50 * run["sessions"]
        assert run["booking_server"]["count"] == 50 * run["sessions"]
        assert run["errors"] == 0, run["error_samples"]
        places = run["sessions"] * run["capacity"]
        booked = run["after_booking"]
        # More people than places: every place is taken exactly once, the rest wait.
        assert booked["confirmed"] == places
        assert booked["overbooked"] == booked["count_mismatch"] == 0
        assert booked["booked_twice"] == 0
        assert booked["waiting"] > 0
        # Cancelling at once never overbooks either (the benchmark's verdict also counts
        # miscounted places, which depend on how the cancellations interleave).
        assert run["after_cancelling"]["overbooked"] == 0
        assert run["after_cancelling"]["confirmed"] <= places
        outcomes = run["outcomes"]
        assert outcomes["booked"] + outcomes["full"] == 50 * run["sessions"]
        assert outcomes["cancelled"] == run["after_cancelling"]["cancelled"] > 0
        assert outcomes["cancelled"] <= run["cancel_server"]["count"] \
            <= outcomes["cancelled"] + outcomes["superseded"]
        listing = results["list"][db]
        assert listing["upcoming"] == 500
        assert listing["cases"]["all"]["count"] == listing["reps"]
        assert listing["cases"]["all"]["shown"] > 0
    # The section is written at the end of RESULTS.md, after what was there.
    table = (tmp_path / "RESULTS.md").read_text()
    assert table.index("## Earlier section") < table.index("## Information sessions")
    assert table.count("## Information sessions") == 1
    assert "| sqlite: sessions overbooked (or a person booked twice) | 0 | 0 | met |" in table
    assert "| postgresql: sessions overbooked (or a person booked twice) | 0 | 0 | met |" in table
