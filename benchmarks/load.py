"""Load runs with locust (headless, as a library), to 127.0.0.1 only, bounded in time.

    python benchmarks/load.py --host http://127.0.0.1:PORT --plan '[{...}, ...]'

Each step of the plan: {"name", "scenario": "trivial" | "get_form" | "submit", "users",
"pace" (round trips per second per user; 0 = as fast as possible), "warmup", "duration"}.
Prints one JSON object: per step, per request name, count, rps, p50/p99/mean in ms, failures.
Latencies are locust's own per-request timings, kept unrounded here (locust's summary rounds).
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import sys
import time
from typing import Any
from urllib.parse import urlencode, urlsplit

import gevent
from formdata import hidden_fields, mentor_answers
from locust import FastHttpUser, constant, constant_throughput, task
from locust.env import Environment

LANGS = ("fr", "nl", "en")
KIND = "mentor"
TRIVIAL_PATH = "/bench/trivial"
_serial = itertools.count()


class BenchUser(FastHttpUser):
    abstract = True
    scenario = "trivial"
    lang_cycle = itertools.cycle(LANGS)

    def on_start(self) -> None:
        self.lang = next(self.lang_cycle)

    def form_path(self) -> str:
        return f"/{self.lang}/apply/{KIND}/"

    @task
    def round_trip(self) -> None:
        if self.scenario == "trivial":
            self.client.get(TRIVIAL_PATH, name="trivial")
        elif self.scenario == "get_form":
            self.client.get(self.form_path(), name="get_form")
        else:
            self.submit()

    def submit(self) -> None:
        # A new visitor each time: no session cookie, so the CSRF token is made afresh.
        self.client.cookiejar.clear()
        with self.client.get(self.form_path(), name="submit_get", catch_response=True) as page:
            hidden = hidden_fields(page.text or "")
            if "csrf_token" not in hidden:
                page.failure("no csrf_token in the form")
                return
        body = urlencode([*hidden.items(), *mentor_answers(next(_serial))])
        with self.client.post(
            self.form_path(), data=body, name="submit", allow_redirects=False,
            headers={"Content-Type": "application/x-www-form-urlencoded"},
            catch_response=True,
        ) as response:
            if response.status_code != 303 or "/thanks/" not in (
                response.headers.get("Location") or ""
            ):
                response.failure(f"status {response.status_code}, not a redirect to thanks")


def user_class(host: str, scenario: str, pace: float) -> type[BenchUser]:
    return type(
        f"{scenario}_user",
        (BenchUser,),
        {
            "abstract": False,
            "host": host,
            "scenario": scenario,
            "wait_time": constant_throughput(pace) if pace > 0 else constant(0),
        },
    )


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def run_step(host: str, step: dict[str, Any]) -> dict[str, Any]:
    cls = user_class(host, step["scenario"], float(step.get("pace", 0)))
    env = Environment(user_classes=[cls])
    records: list[tuple[float, str, float, bool]] = []

    def on_request(name: str, response_time: float, exception: Any, **_: Any) -> None:
        records.append((time.monotonic(), name, response_time, exception is None))

    env.events.request.add_listener(on_request)
    runner = env.create_local_runner()
    users = int(step["users"])
    start = time.monotonic()
    pace = float(step.get("pace", 0))
    # Paced users start spread over one period (1/pace s): started together, they would fire
    # in synchronized bursts of `users` requests instead of at an even rate.
    runner.start(users, spawn_rate=users * pace if pace > 0 else max(users * 20, 100))
    gevent.sleep(step["warmup"] + step["duration"])
    runner.quit()
    lo, hi = start + step["warmup"], start + step["warmup"] + step["duration"]
    window = [r for r in records if lo <= r[0] <= hi]
    by_name: dict[str, dict[str, Any]] = {}
    for name in sorted({r[1] for r in window}):
        ok = [r[2] for r in window if r[1] == name and r[3]]
        failed = sum(1 for r in window if r[1] == name and not r[3])
        by_name[name] = {
            "count": len(ok),
            "failures": failed,
            "rps": len(ok) / step["duration"],
            "p50_ms": percentile(ok, 0.50),
            "p99_ms": percentile(ok, 0.99),
            "mean_ms": statistics.fmean(ok) if ok else float("nan"),
        }
    return {"name": step["name"], "users": users, "pace": step.get("pace", 0),
            "duration_s": step["duration"], "requests": by_name}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--plan", required=True, help="JSON list of steps")
    args = parser.parse_args(argv)
    if urlsplit(args.host).hostname not in ("127.0.0.1", "localhost", "::1"):
        parser.error("load goes to the loopback interface only")
    results = [run_step(args.host, step) for step in json.loads(args.plan)]
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
