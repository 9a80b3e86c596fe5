"""`make bench`: site build, page weight, Lighthouse and service load, against budgets.

    .venv/bin/python benchmarks/run.py [--smoke] [--out DIR]

Writes DIR/results.json and DIR/RESULTS.md (DIR defaults to benchmarks/). --smoke runs every
part with tiny counts and no Lighthouse, in parallel, so `make test` keeps this code working;
its figures mean nothing. Every server listens on 127.0.0.1 only; every load run is bounded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pages  # noqa: E402
import servers  # noqa: E402
import service  # noqa: E402
import site_build  # noqa: E402

BENCH_DIR = servers.BENCH_DIR
ROOT = servers.ROOT
LANGS = ("fr", "nl", "en")
PAGE_TYPES = ("home", "impact", "branch", "mentor", "form", "thanks")
LH_TYPES = ("home", "impact", "branch", "form")
DATABASES = ("sqlite", "postgresql")
PAGE_BUDGET_KB = 150.0
LH_BUDGET = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
# The build may cost at most this much more than plain MkDocs + Material on the same pages.
BUILD_RATIO_BUDGET = 1.15
# The two ways the site reaches a browser: nginx in production, `make serve` on one port.
SERVERS = {"": "nginx (deploy/nginx.conf.template) in front of gunicorn",
           "serve": "`make serve` (deploy/serve.sh: gunicorn, the site by WhiteNoise)"}


class Settings:
    def __init__(self, smoke: bool) -> None:
        self.smoke = smoke
        self.build_runs = 1 if smoke else 5
        self.factor = 2 if smoke else 10
        self.page_langs = ("fr",) if smoke else LANGS
        self.lighthouse = not smoke
        self.timing = {"warmup": 0.0, "duration": 1.0} if smoke else {"warmup": 2, "duration": 8}
        self.users = 2 if smoke else 8
        self.drain_n = 10 if smoke else 500
        self.workers = 1 if smoke else 2  # the 2 workers; one is enough for smoke


def expected_keys(smoke: bool) -> list[str]:
    """Every measure key a run writes (the smoke test checks them all)."""
    s = Settings(smoke)
    keys = ["build.full_median_s", "build.tenfold_median_s", "build.per_page_ms",
            "build.tenfold_per_page_ms", "build.marginal_per_page_ms", "build.growth_ratio",
            "build.reference_median_s", "build.ratio_to_reference",
            "build.ratio_to_reference_cpu"]
    for server in SERVERS:
        keys += [f"{page_key(server)}.{t}.{lang}" for lang in s.page_langs for t in PAGE_TYPES]
        if s.lighthouse:
            keys += [f"{lighthouse_key(server)}.{t}.{lang}.{c}" for lang in LANGS
                     for t in LH_TYPES for c in LH_BUDGET]
    for db in DATABASES:
        keys += [f"service.{db}.{k}" for k in SERVICE_KEYS]
    return keys


SERVICE_KEYS = (
    "trivial_rps", "trivial_p50_ms", "trivial_p99_ms", "get_form_rps", "get_form_p50_ms",
    "get_form_p99_ms", "get_form_ratio", "submit_rps", "submit_p50_ms", "submit_p99_ms",
    "submit_ratio", "paced_rate", "paced_p50_ms", "paced_p99_ms", "paced_server_p50_ms",
    "paced_server_p99_ms", "smtp_down_rate",
    "smtp_down_p50_ms", "smtp_down_p99_ms", "smtp_down_vs_up", "outbox_msgs_per_s",
    "failed_requests",
)


def page_key(server: str) -> str:
    return "page_kb" + (f"_{server}" if server else "")


def lighthouse_key(server: str) -> str:
    return "lighthouse" + (f"_{server}" if server else "")


def git_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True)
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    return done.stdout.strip() + (" (with uncommitted changes)" if dirty else "")


def machine() -> dict[str, Any]:
    mem_kb = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem_kb = int(line.split()[1])
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem_kb / 1024 / 1024, 1),
        "cpu": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "load_average_at_start": os.getloadavg()[0],
    }


class Measures:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def add(self, key: str, value: float, unit: str, budget: str = "",
            ok: bool | None = None) -> None:
        self.rows[key] = {"value": float(value), "unit": unit, "budget": budget, "pass": ok}


def measure_build(s: Settings, m: Measures) -> dict[str, Any]:
    b = site_build.run(s.build_runs, s.factor)
    full = b["full"]["median_s"]
    m.add("build.full_median_s", full, "s", "≤ 3 s", full <= 3.0)
    m.add("build.tenfold_median_s", b["tenfold"]["median_s"], "s")
    m.add("build.per_page_ms", b["per_page_ms"], "ms/page")
    m.add("build.tenfold_per_page_ms", b["tenfold_per_page_ms"], "ms/page")
    m.add("build.marginal_per_page_ms", b["marginal_per_page_ms"], "ms/page")
    m.add("build.growth_ratio", b["growth_ratio"], "×",
          "≤ 1 (time grows no faster than pages)", b["growth_ratio"] <= 1.0)
    m.add("build.reference_median_s", b["reference"]["median_s"], "s")
    budget = f"≤ {BUILD_RATIO_BUDGET}"
    m.add("build.ratio_to_reference", b["ratio_to_reference"], "×", budget,
          b["ratio_to_reference"] <= BUILD_RATIO_BUDGET)
    m.add("build.ratio_to_reference_cpu", b["ratio_to_reference_cpu"], "× (CPU)", budget,
          b["ratio_to_reference_cpu"] <= BUILD_RATIO_BUDGET)
    return b


def measure_pages(s: Settings, m: Measures, site_dir: Path, work: Path) -> dict[str, Any]:
    """Page weight and Lighthouse through nginx (production), then through `make serve`."""
    out: dict[str, Any] = {"servers": {}}
    env = servers.service_env(f"sqlite:///{work / 'pages.sqlite3'}", site_dir)
    servers.db_upgrade(env)
    with servers.gunicorn(env, log=work / "pages-gunicorn.log") as app_port, \
            servers.nginx(site_dir, app_port) as port:
        out["servers"][""] = measure_site(s, m, "", f"http://{servers.HOST}:{port}")
    env = servers.service_env(f"sqlite:///{work / 'serve.sqlite3'}", site_dir)
    with servers.make_serve(env, log=work / "serve.log") as port:
        out["servers"]["serve"] = measure_site(s, m, "serve", f"http://{servers.HOST}:{port}")
    return out


def measure_site(s: Settings, m: Measures, server: str, base: str) -> dict[str, Any]:
    out: dict[str, Any] = {"server": SERVERS[server]}
    out["weights"] = pages.page_weights(base, s.page_langs, settle=not s.smoke)
    for key, w in out["weights"].items():
        kb = w["bytes"] / 1024
        m.add(f"{page_key(server)}.{key}", kb, "KB", f"≤ {PAGE_BUDGET_KB:g} KB",
              kb <= PAGE_BUDGET_KB and w["status"] == 200)
    if s.lighthouse:
        out["lighthouse_version"] = pages.lighthouse_version()
        out["lighthouse"] = pages.lighthouse_pages(base, LANGS)
        for key, r in out["lighthouse"].items():
            for cat, score in r["scores"].items():
                need = LH_BUDGET[cat]
                m.add(f"{lighthouse_key(server)}.{key}.{cat}", score, "score",
                      f"≥ {need}" if need < 100 else "100", score >= need)
    return out


def measure_service(s: Settings, m: Measures, db: str, site_dir: Path,
                    work: Path) -> dict[str, Any]:
    cluster = None
    if db == "sqlite":
        url = f"sqlite:///{work / 'service.sqlite3'}"
    else:
        cluster = servers.postgres()
        url = cluster.start()
    log_dir = work / db
    log_dir.mkdir(exist_ok=True)
    try:
        raw = service.bench_database(
            url, site_dir, s.timing, s.users, s.drain_n, log_dir, s.workers
        )
    finally:
        if cluster is not None:
            cluster.stop()
    f = service.figures(raw)
    p = f"service.{db}."
    for key in ("trivial_rps", "get_form_rps", "submit_rps", "paced_rate", "smtp_down_rate"):
        m.add(p + key, f[key], "req/s")
    for key in SERVICE_KEYS:
        if key.endswith("_ms"):
            m.add(p + key, f[key], "ms")
    m.add(p + "get_form_ratio", f["get_form_ratio"], "× trivial")
    m.add(p + "submit_ratio", f["submit_ratio"], "× trivial", "≥ 0.40", f["submit_ratio"] >= 0.4)
    if db == "sqlite":
        # The latency budget holds only if the rate was really reached.
        ok = f["paced_p99_ms"] <= 50 and f["paced_rate"] >= 0.95 * service.SUBMIT_RATE
        m.rows[p + "paced_p99_ms"].update(
            budget=f"≤ 50 ms at {service.SUBMIT_RATE:g}/s", **{"pass": ok})
    m.add(p + "smtp_down_vs_up", f["smtp_down_vs_up"], "× (p50)", "≤ 1.10",
          f["smtp_down_vs_up"] <= 1.10)
    m.add(p + "outbox_msgs_per_s", f["outbox_msgs_per_s"], "msg/s", "≥ 200",
          f["outbox_msgs_per_s"] >= 200)
    m.add(p + "failed_requests", f["failed_requests"], "requests", "0",
          f["failed_requests"] == 0)
    return raw


def profile(what: str, n: int, site_dir: Path, work: Path) -> str:
    """pyinstrument on what missed its budget; the text goes to benchmarks/profiles/."""
    out = BENCH_DIR / "profiles" / f"{what}.txt"
    env = servers.service_env(f"sqlite:///{work / f'profile-{what}.sqlite3'}", site_dir)
    servers.db_upgrade(env)
    with servers.smtp_sink() as port:
        env.update(FLASK_MAIL_SERVER=servers.HOST, FLASK_MAIL_PORT=str(port))
        subprocess.run([str(servers.BIN / "python"), str(BENCH_DIR / "profiling.py"), what,
                        str(n), str(out)], env=env, cwd=ROOT, check=True, capture_output=True)
    return str(out.relative_to(ROOT))


def fmt(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def write_markdown(results: dict[str, Any], path: Path) -> None:
    mc = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"- Date: {results['date']}",
        f"- Machine: {mc['cores']} cores, {mc['memory_gib']} GiB memory ({mc['cpu']}), "
        f"Python {mc['python']}; load average {mc['load_average_at_start']:.2f} at start, "
        f"{mc.get('load_average_at_end', float('nan')):.2f} at end",
        f"- Commit: {results['commit']}",
        f"- Mode: {'smoke (tiny counts, figures meaningless)' if results['smoke'] else 'full'}"
        f"; took {results['seconds']:.0f} s",
        "- Made by `make bench` (`benchmarks/run.py`); the load generator (locust) and every "
        "server share the same cores.",
        "",
        "| Measure | Value | Budget | Result |",
        "| --- | ---: | --- | --- |",
    ]
    for key, row in results["measures"].items():
        mark = {True: "pass", False: "**FAIL**", None: ""}[row["pass"]]
        lines.append(f"| `{key}` | {fmt(row['value'])} {row['unit']} | {row['budget']} | {mark} |")
    passed = sum(1 for r in results["measures"].values() if r["pass"] is True)
    failed = [k for k, r in results["measures"].items() if r["pass"] is False]
    lines += ["", f"Budgets: {passed} pass, {len(failed)} fail.", ""]
    details = results.get("details", {})
    b = details.get("build")
    if b:
        lines += [
            "## Site build",
            "",
            f"- Full build: {b['full']['pages']} HTML pages, runs {b['full']['runs_s']} s "
            f"(CPU median {b['full']['cpu_median_s']:.2f} s).",
            f"- Synthetic set: every Markdown page of every language copied {b['factor']}× "
            f"(branch pages come from data and are not multiplied): {b['tenfold']['pages']} "
            f"pages, runs {b['tenfold']['runs_s']} s.",
            f"- Reference: {b['reference_note']}; {b['reference']['pages']} pages, "
            f"runs {b['reference']['runs_s']} s.",
            f"- CPU seconds per run: full {b['full'].get('cpu_runs_s')}, reference "
            f"{b['reference'].get('cpu_runs_s')}.",
            "",
        ]
    for p in details.get("pages", {}).get("servers", {}).values():
        lines += [f"## Pages through {p['server']}", "", "Cold cache, Chromium (Playwright), "
                  "bytes = sum of `Network.loadingFinished.encodedDataLength`.", "",
                  "| Page | Requests | KB | Heaviest |", "| --- | ---: | ---: | --- |"]
        for key, w in p["weights"].items():
            heavy = ", ".join(f"{h['url'].split('/', 3)[-1]} ({h['bytes'] / 1024:.1f})"
                              for h in w["heaviest"][:2])
            lines.append(f"| {key} | {w['requests']} | {w['bytes'] / 1024:.1f} | {heavy} |")
        if "lighthouse" in p:
            lines += ["", f"Lighthouse {p['lighthouse_version']}, mobile, "
                      f"{pages.LIGHTHOUSE_RUNS} runs a page, the run with the median "
                      "performance kept; every run's performance, and the audits that did not "
                      "pass in the kept run, per category:", ""]
            for key, r in p["lighthouse"].items():
                fails = "; ".join(f"{c}: {', '.join(ids)}" for c, ids in r["failing"].items())
                runs = "/".join(str(n) for n in r.get("performance_runs", []))
                lines.append(f"- {key}: performance {runs}" + (f"; {fails}" if fails else ""))
        lines.append("")
    if details.get("profiles"):
        lines += ["## Profiles", ""]
        for what, rel in details["profiles"].items():
            lines += [f"- {what}: `{rel}` (pyinstrument, flat)"]
        lines.append("")
    if results.get("errors"):
        lines += ["## Errors", ""] + [f"- {e}" for e in results["errors"]] + [""]
    analysis = BENCH_DIR / "analysis.md"
    if analysis.is_file() and not results["smoke"]:
        lines += [analysis.read_text().rstrip(), ""]
    path.write_text("\n".join(lines))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny counts, no Lighthouse")
    parser.add_argument("--out", type=Path, default=BENCH_DIR)
    parser.add_argument(
        "--only", choices=["pages", "sqlite", "postgresql", "build"], action="append",
        help="measure only these parts (repeatable) and print them; results files are untouched",
    )
    args = parser.parse_args(argv)
    s = Settings(args.smoke)
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="duo-bench-"))
    m = Measures()
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git_commit(), "machine": machine(), "smoke": s.smoke, "details": {},
        "errors": [],
    }
    try:
        site_dir = work / "site"
        site_build.build_once(ROOT / "mkdocs.yml", site_dir)
        site_build.compress(site_dir)  # as `make build` does
        jobs: dict[str, Callable[[], Any]] = {
            "pages": lambda: measure_pages(s, m, site_dir, work),
            "sqlite": lambda: measure_service(s, m, "sqlite", site_dir, work),
            "postgresql": lambda: measure_service(s, m, "postgresql", site_dir, work),
            # Last in a full run: the other parts do not disturb its timings.
            "build": lambda: measure_build(s, m),
        }

        if args.only:
            jobs = {name: job for name, job in jobs.items() if name in args.only}

        def run_job(name: str) -> None:
            try:
                results["details"][name] = jobs[name]()
            except Exception as exc:  # one part failing must not hide the others
                traceback.print_exc()
                results["errors"].append(f"{name}: {type(exc).__name__}: {exc}"[:2000])

        if s.smoke:
            # Timings do not matter here: overlap the parts to stay within seconds.
            with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
                list(pool.map(run_job, jobs))
        else:
            for name in jobs:
                print(f"[bench] {name}…", file=sys.stderr, flush=True)
                run_job(name)
            profiles = {}
            if args.only:
                pass  # a partial run only prints its measures (below)
            elif any(m.rows.get(f"service.{db}.submit_ratio", {}).get("pass") is False
                   or m.rows.get(f"service.{db}.paced_p99_ms", {}).get("pass") is False
                   for db in DATABASES):
                profiles["submissions"] = profile("submissions", 200, site_dir, work)
            if any(m.rows.get(f"service.{db}.outbox_msgs_per_s", {}).get("pass") is False
                   for db in DATABASES):
                profiles["outbox"] = profile("outbox", 300, site_dir, work)
            results["details"]["profiles"] = profiles
    finally:
        shutil.rmtree(work, ignore_errors=True)
    order = {k: i for i, k in enumerate(expected_keys(s.smoke))}
    results["measures"] = dict(sorted(m.rows.items(), key=lambda kv: order.get(kv[0], 1e9)))
    results["machine"]["load_average_at_end"] = os.getloadavg()[0]
    results["seconds"] = time.monotonic() - started
    if args.only:
        for key, row in results["measures"].items():
            print(key, row, flush=True)
        return 1 if results["errors"] else 0
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
    write_markdown(results, args.out / "RESULTS.md")
    failed = [k for k, r in results["measures"].items() if r["pass"] is False]
    print(f"[bench] {len(results['measures'])} measures, {len(failed)} budgets missed, "
          f"{len(results['errors'])} errors; {args.out / 'RESULTS.md'}", file=sys.stderr)
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
