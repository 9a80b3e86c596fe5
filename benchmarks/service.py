"""Service load: gunicorn (2 sync workers) on SQLite or PostgreSQL, locust on 127.0.0.1."""

from __future__ import annotations

import json
import math
import subprocess
from pathlib import Path
from typing import Any

import servers

SUBMIT_RATE = 100.0  # submissions per second for the latency budget
PACED_USERS = 20


def load(port: int, plan: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    done = subprocess.run(
        [str(servers.BIN / "python"), str(servers.BENCH_DIR / "load.py"),
         "--host", f"http://{servers.HOST}:{port}", "--plan", json.dumps(plan)],
        capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"load run failed: {done.stderr[-3000:]}")
    return {step["name"]: step for step in json.loads(done.stdout)}


def step(name: str, scenario: str, users: int, timing: dict[str, float],
         pace: float = 0.0) -> dict[str, Any]:
    return {"name": name, "scenario": scenario, "users": users, "pace": pace, **timing}


def drain(env: dict[str, str], smtp_port: int, n: int) -> dict[str, Any]:
    done = subprocess.run(
        [str(servers.BIN / "python"), str(servers.BENCH_DIR / "outbox_drain.py"), str(n)],
        env={**env, "FLASK_MAIL_SERVER": servers.HOST, "FLASK_MAIL_PORT": str(smtp_port)},
        cwd=servers.ROOT, capture_output=True, text=True, timeout=600,
    )
    if not done.stdout.strip():
        raise RuntimeError(f"outbox drain failed: {done.stderr[-3000:]}")
    return json.loads(done.stdout)


def bench_database(
    database_url: str, site_dir: Path, timing: dict[str, float], users: int, drain_n: int,
    log_dir: Path, workers: int = 2,
) -> dict[str, Any]:
    env = servers.service_env(database_url, site_dir)
    servers.db_upgrade(env)
    per_user = SUBMIT_RATE / PACED_USERS
    result: dict[str, Any] = {}
    access = log_dir / "access.log"
    with servers.gunicorn(env, workers, log_dir / "gunicorn.log", access) as port:
        # Throughput: as fast as the server answers, no outbox sender running.
        result["max"] = load(port, [
            step("trivial", "trivial", users, timing),
            step("get_form", "get_form", users, timing),
            step("submit", "submit", users, timing),
        ])
        # Latency at a fixed rate, the sender running beside gunicorn as in `make serve`,
        # first with the SMTP server up, then with it stopped (connections refused).
        smtp_port = servers.free_port()
        worker_env = {**env, "FLASK_MAIL_SERVER": servers.HOST, "FLASK_MAIL_PORT": str(smtp_port)}
        with servers.outbox_worker(worker_env):
            with servers.smtp_sink(port=smtp_port):
                before = access.stat().st_size
                result["smtp_up"] = load(
                    port, [step("smtp_up", "submit", PACED_USERS, timing, per_user)]
                )["smtp_up"]
                result["smtp_up_server"] = server_times(access, before, "POST")
            result["smtp_down"] = load(
                port, [step("smtp_down", "submit", PACED_USERS, timing, per_user)]
            )["smtp_down"]
    with servers.smtp_sink() as smtp_port:
        result["outbox"] = drain(env, smtp_port, drain_n)
    return result


EMPTY = {"count": 0, "failures": 0, "rps": 0.0, "p50_ms": math.nan, "p99_ms": math.nan}


def server_times(access: Path, offset: int, method: str) -> dict[str, float]:
    """p50/p99 of the time gunicorn spent on `method` requests logged after `offset`: the
    service's own share of a latency, apart from the load generator and the other processes
    sharing the machine's cores. Warm-up requests are included."""
    with access.open("rb") as fh:
        fh.seek(offset)
        lines = fh.read().decode(errors="replace").splitlines()
    ms = sorted(
        int(parts[3]) / 1000 for parts in (line.split() for line in lines)
        if len(parts) == 4 and parts[0] == method and parts[3].isdigit()
    )
    if not ms:
        return {"count": 0, "p50_ms": math.nan, "p99_ms": math.nan}
    pick = lambda q: ms[min(len(ms) - 1, round(q * (len(ms) - 1)))]  # noqa: E731
    return {"count": len(ms), "p50_ms": pick(0.50), "p99_ms": pick(0.99)}


def _stats(run: dict[str, Any], name: str) -> dict[str, Any]:
    # A window with no completed request (possible only with smoke's tiny windows).
    return run["requests"].get(name, EMPTY)


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def figures(raw: dict[str, Any]) -> dict[str, float]:
    """The measures of one database, flat, with ratios to the trivial endpoint."""
    mx = raw["max"]
    trivial = _stats(mx["trivial"], "trivial")
    get = _stats(mx["get_form"], "get_form")
    sub = _stats(mx["submit"], "submit")
    up = _stats(raw["smtp_up"], "submit")
    down = _stats(raw["smtp_down"], "submit")
    out = {
        "trivial_rps": trivial["rps"], "trivial_p50_ms": trivial["p50_ms"],
        "trivial_p99_ms": trivial["p99_ms"],
        "get_form_rps": get["rps"], "get_form_p50_ms": get["p50_ms"],
        "get_form_p99_ms": get["p99_ms"], "get_form_ratio": _ratio(get["rps"], trivial["rps"]),
        "submit_rps": sub["rps"], "submit_p50_ms": sub["p50_ms"], "submit_p99_ms": sub["p99_ms"],
        "submit_ratio": _ratio(sub["rps"], trivial["rps"]),
        "paced_rate": up["rps"], "paced_p50_ms": up["p50_ms"], "paced_p99_ms": up["p99_ms"],
        "paced_server_p50_ms": raw["smtp_up_server"]["p50_ms"],
        "paced_server_p99_ms": raw["smtp_up_server"]["p99_ms"],
        "smtp_down_rate": down["rps"], "smtp_down_p50_ms": down["p50_ms"],
        "smtp_down_p99_ms": down["p99_ms"],
        "smtp_down_vs_up": _ratio(down["p50_ms"], up["p50_ms"]),
        "outbox_msgs_per_s": raw["outbox"]["msgs_per_s"],
    }
    failures = sum(
        r["failures"] for s in (*mx.values(), raw["smtp_up"], raw["smtp_down"])
        for r in s["requests"].values()
    )
    out["failed_requests"] = failures
    return out
