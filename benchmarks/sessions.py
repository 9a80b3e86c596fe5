"""Information sessions: bookings under 50 simultaneous clients, and the public list.

    python benchmarks/sessions.py [--quick] [--db sqlite|postgresql|both] [--out DIR]

1. Bookings: gunicorn (several sync workers, the benchmark app) on SQLite and on a real
   PostgreSQL (durable settings). 50 client threads start together; each books every
   session once, as a person does it (GET the form, POST it; a form served for a full
   session asks for the waiting list). Then 50 clients cancel a quarter of the bookings at
   once by their signed links, so freed places meet the waiting list under load. Measured:
   p50 and p99 of the booking POST and of the cancel POST, client side and server side
   (gunicorn's own time per request, from its access log). Checked, from the database: no
   session overbooked (booked <= capacity), the places taken equal the confirmed bookings,
   and no place is left free while someone waits (the sessions are days away).
2. The public list /fr/sessions/ with 500 upcoming sessions over every branch, measured in
   the service's process with the test client (server side): p50, p95, p99; budget p95 <=
   50 ms. A missed budget writes a pyinstrument profile to OUT/profiles/.

Writes OUT/sessions_results.json and the section "Information sessions" at the end of
OUT/RESULTS.md (replaced on each run). --quick runs the same steps with small counts (the
smoke test runs it); its timings mean nothing, its checks do. Every server listens on
127.0.0.1 only and is stopped by its own pid.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import servers  # noqa: E402  (also puts tests/ on the path, for localservers)
from report import write_section  # noqa: E402

ROOT = servers.ROOT
LIST_BUDGET_MS = 50.0  # p95 of /fr/sessions/ with 500 upcoming sessions, server side
LIST_SESSIONS = 500
CLIENTS = 50
SECRET = "bench-secret-not-for-production"  # servers.service_env's key: the links verify
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CANCEL_LINK = re.compile(r'href="(/fr/sessions/cancel/[^"]+/)"')
BOOK_PATH = re.compile(r"^/fr/sessions/\d+/book$")
CANCEL_PATH = re.compile(r"^/fr/sessions/cancel/[^/]+/$")
SECTION = "## Information sessions"
# Booking: a place or a place in line (303), or full meanwhile (409). Cancelling: done (200),
# or the links superseded by a promotion in the meantime (410, on the booked page, the cancel
# page or the cancel POST).
OUTCOMES = ("booked", "full", "cancelled", "superseded")


@dataclass(frozen=True)
class Settings:
    quick: bool
    sessions: int  # sessions booked at once
    capacity: int  # places per session
    workers: int  # gunicorn sync workers
    list_reps: int

    @classmethod
    def make(cls, quick: bool) -> Settings:
        if quick:
            return cls(quick, sessions=2, capacity=5, workers=2, list_reps=10)
        return cls(quick, sessions=20, capacity=10, workers=4, list_reps=300)


# -- figures ---------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank percentile (no interpolation): a value that was measured."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


def summary(ms: list[float]) -> dict[str, float]:
    return {"count": len(ms), "p50_ms": percentile(ms, 0.50), "p95_ms": percentile(ms, 0.95),
            "p99_ms": percentile(ms, 0.99), "max_ms": max(ms) if ms else math.nan}


def server_times(access: Path, method: str, path: re.Pattern[str]) -> dict[str, float]:
    """gunicorn's own time for the requests of `method` on `path` (access log lines
    "METHOD PATH STATUS MICROSECONDS", servers.gunicorn's format)."""
    ms = []
    for line in access.read_text(errors="replace").splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[0] == method and path.match(parts[1]) and \
                parts[3].isdigit():
            ms.append(int(parts[3]) / 1000)
    return summary(ms)


# -- 1. bookings under 50 simultaneous clients ------------------------------------------


def letters(n: int) -> str:
    """A name for client n: a name has no digits (the form refuses them)."""
    word = ""
    while True:
        n, rest = divmod(n, 26)
        word = "abcdefghijklmnopqrstuvwxyz"[rest] + word
        if n == 0:
            return word.capitalize()


@dataclass
class Client:
    """One person's browser: its own connection and cookies."""

    base: str
    number: int
    booking_ms: list[float] = field(default_factory=list)
    cancel_ms: list[float] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    errors: list[str] = field(default_factory=list)
    booked_pages: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        import requests

        self.http = requests.Session()

    def book(self, session_id: int) -> None:
        """The form, then the answer; a form for a full session asks for the waiting list."""
        self.http.cookies.clear()
        url = f"{self.base}/fr/sessions/{session_id}/book"
        page = self.http.get(url, timeout=120)
        token = CSRF.search(page.text)
        if page.status_code != 200 or token is None:
            self.errors.append(f"GET book {page.status_code}")
            return
        data = {"csrf_token": token.group(1), "name": f"Personne {letters(self.number)}",
                "email": f"p{self.number}.s{session_id}@example.org", "consent": "y"}
        if 'name="waiting_list" value="1"' in page.text:
            data["waiting_list"] = "1"
        start = time.perf_counter()
        answer = self.http.post(url, data=data, allow_redirects=False, timeout=120)
        self.booking_ms.append((time.perf_counter() - start) * 1000)
        if answer.status_code == 303 and "/sessions/booked/" in answer.headers["Location"]:
            self.outcomes["booked"] += 1
            self.booked_pages.append(answer.headers["Location"])
        elif answer.status_code == 409:  # full in the meantime: offered the waiting list
            self.outcomes["full"] += 1
        else:
            self.errors.append(f"POST book {answer.status_code}")

    def cancel(self, booked_page: str) -> None:
        """From the booked page: the cancel link, its question, the confirmation."""
        self.http.cookies.clear()
        page = self.http.get(self.base + booked_page, timeout=120)
        link = CANCEL_LINK.search(page.text)
        if page.status_code == 410:  # promoted meanwhile: this page's link is replaced too
            self.outcomes["superseded"] += 1
            return
        if link is None:
            self.errors.append(f"no cancel link ({page.status_code})")
            return
        url = self.base + link.group(1)
        question = self.http.get(url, timeout=120)
        if question.status_code == 410:  # promoted between the two pages: the same
            self.outcomes["superseded"] += 1
            return
        token = CSRF.search(question.text)
        if token is None:
            self.errors.append(f"GET cancel {question.status_code}")
            return
        start = time.perf_counter()
        answer = self.http.post(url, data={"csrf_token": token.group(1)}, timeout=120)
        self.cancel_ms.append((time.perf_counter() - start) * 1000)
        if answer.status_code == 200:
            self.outcomes["cancelled"] += 1
        elif answer.status_code == 410:
            # Promoted from the waiting list meanwhile: the new e-mail's links replace this
            # one, and the page says so.
            self.outcomes["superseded"] += 1
        else:
            self.errors.append(f"POST cancel {answer.status_code}")


def all_at_once(clients: list[Client], work: Callable[[Client], None]) -> float:
    """Each client's `work` in its own thread, all released together; wall seconds."""
    gate = threading.Barrier(len(clients))
    failures: list[str] = []

    def run(client: Client) -> None:
        gate.wait()
        try:
            work(client)
        except Exception as exc:  # a client's crash is a measured failure, not a hang
            failures.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(600)
    if failures:
        clients[0].errors.extend(failures)
    return time.perf_counter() - start


@contextlib.contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path, access: Path) -> Iterator[int]:
    """As servers.gunicorn (sync workers, the benchmark app, "METHOD PATH STATUS
    MICROSECONDS" access lines), with time to start on a busy machine (several workers
    importing the app on two shared cores can take half a minute) and no control socket
    (one fixed path per user, which another gunicorn on the machine may hold)."""
    port = servers.free_port()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(servers.BIN / "gunicorn"), "--bind", f"{servers.HOST}:{port}", "--workers",
             str(workers), "--worker-class", "sync", "--log-level", "warning",
             "--no-control-socket", "--access-logfile", str(access),
             "--access-logformat", "%(m)s %(U)s %(s)s %(D)s", "bench_app:create_app()"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        servers.wait_for_http(f"http://{servers.HOST}:{port}/bench/trivial", proc, log,
                              timeout=180)
        yield port
    finally:
        servers.stop(proc)


def make_app(url: str):  # type: ignore[no-untyped-def]
    from forms_service import create_app

    return create_app({"DATABASE_URL": url, "SITE_DIR": "/nonexistent", "SECRET_KEY": SECRET,
                       "RATELIMIT_ENABLED": False})


def add_sessions(url: str, count: int, capacity: int) -> list[int]:
    """Sessions in Ghent and online, a week or more away, as a coordinator adds them."""
    from forms_service.extensions import db
    from forms_service.services import sessions as service
    from sitedata import load_default

    app = make_app(url)
    site = load_default()
    now = datetime.now(UTC)
    ids = []
    with app.app_context():
        for i in range(count):
            start = (datetime.now() + timedelta(days=7 + i)).replace(
                hour=14, minute=0, second=0, microsecond=0)
            online = i % 3 == 2
            row = service.create(db.session, site, service.SessionInput(
                branch_id="ghent", starts_local=start, minutes=90, capacity=capacity,
                audience="all", lang="nl", place=None if online else "Gent",
                online_url="https://meet.example.org/duo" if online else None,
            ), "bench", now)
            ids.append(row.id)
        db.session.commit()
    app.extensions["forms_service.engine"].dispose()
    return ids


def check_places(url: str) -> dict[str, int]:
    """The database after the run: overbooked sessions, places taken that do not match
    the confirmed bookings, free places while someone waits, one booking per person."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT s.id, s.capacity, s.booked, "
            "(SELECT count(*) FROM booking b WHERE b.session_id = s.id "
            " AND b.status = 'confirmed') AS confirmed, "
            "(SELECT count(*) FROM booking b WHERE b.session_id = s.id "
            " AND b.status = 'waiting') AS waiting, "
            "(SELECT count(*) FROM booking b WHERE b.session_id = s.id "
            " AND b.status = 'cancelled') AS cancelled "
            "FROM info_session s ORDER BY s.id"
        )).all()
        twice = conn.execute(text(
            "SELECT count(*) FROM (SELECT session_id, email_key FROM booking "
            "GROUP BY session_id, email_key HAVING count(*) > 1) AS d"
        )).scalar_one()
        invitations = conn.execute(text(
            "SELECT count(*) FROM outbox_message WHERE kind = 'session_booked'"
        )).scalar_one()
    engine.dispose()
    return {
        "sessions": len(rows),
        "places": sum(r.capacity for r in rows),
        "confirmed": sum(r.confirmed for r in rows),
        "waiting": sum(r.waiting for r in rows),
        "cancelled": sum(r.cancelled for r in rows),
        "overbooked": sum(1 for r in rows if r.booked > r.capacity or r.confirmed > r.capacity),
        "count_mismatch": sum(1 for r in rows if r.booked != r.confirmed),
        "free_while_waiting": sum(1 for r in rows if r.waiting and r.booked < r.capacity),
        "booked_twice": twice,
        "invitations": invitations,
    }


def bench_bookings(url: str, s: Settings, work: Path, log: Callable[[str], None]) -> dict:
    env = servers.service_env(url, "/nonexistent",
                              FLASK_SESSION_LINK_RATE_LIMIT="100000000 per minute")
    servers.db_upgrade(env)
    ids = add_sessions(url, s.sessions, s.capacity)
    access = work / "access.log"
    with gunicorn(env, s.workers, work / "gunicorn.log", access) as port:
        base = f"http://{servers.HOST}:{port}"
        clients = [Client(base, n) for n in range(CLIENTS)]
        rng = random.Random(2026)

        def book_all(client: Client) -> None:
            order = list(ids)
            random.Random(client.number).shuffle(order)  # not all at the same session
            for session_id in order:
                client.book(session_id)

        log(f"  {CLIENTS} clients book {s.sessions} sessions of {s.capacity} places")
        booking_s = all_at_once(clients, book_all)
        after_booking = check_places(url)
        # A quarter of the bookings are cancelled at once, by 50 people.
        pages = [p for c in clients for p in c.booked_pages]
        chosen = rng.sample(pages, len(pages) // 4)
        shares = {c.number: chosen[c.number::CLIENTS] for c in clients}
        log(f"  {CLIENTS} clients cancel {len(chosen)} bookings")
        cancel_s = all_at_once(clients, lambda c: [c.cancel(p) for p in shares[c.number]])
    booking_ms = [ms for c in clients for ms in c.booking_ms]
    cancel_ms = [ms for c in clients for ms in c.cancel_ms]
    errors = [e for c in clients for e in c.errors]
    return {
        "clients": CLIENTS, "workers": s.workers, "sessions": s.sessions,
        "capacity": s.capacity, "booking_wall_s": round(booking_s, 2),
        "cancel_wall_s": round(cancel_s, 2),
        "outcomes": {k: sum(c.outcomes[k] for c in clients) for k in OUTCOMES},
        "errors": len(errors), "error_samples": sorted(set(errors))[:10],
        "booking_client": summary(booking_ms),
        "booking_server": server_times(access, "POST", BOOK_PATH),
        "cancel_client": summary(cancel_ms),
        "cancel_server": server_times(access, "POST", CANCEL_PATH),
        "after_booking": after_booking,
        "after_cancelling": check_places(url),
    }


# -- 2. the public list with 500 upcoming sessions --------------------------------------


def seed_list(app: Any, count: int) -> None:
    """`count` upcoming sessions over every branch and the next four months, a fifth
    online, every audience, places partly or wholly taken."""
    from sqlalchemy import text

    from forms_service.extensions import db
    from forms_service.services import sessions as service
    from sitedata import load_default

    site = load_default()
    rng = random.Random(500)
    branches = [b.id for b in site.branches.branches]
    now = datetime.now(UTC)
    with app.app_context():
        for table in ("outbox_message", "booking", "info_session"):
            db.session.execute(text(f"DELETE FROM {table}"))
        for i in range(count):
            start = (datetime.now() + timedelta(days=1 + rng.randrange(120))).replace(
                hour=rng.choice((9, 10, 14, 18)), minute=rng.choice((0, 30)), second=0,
                microsecond=0)
            online = rng.random() < 0.2
            row = service.create(db.session, site, service.SessionInput(
                branch_id=branches[i % len(branches)], starts_local=start, minutes=90,
                capacity=rng.choice((10, 15, 20, 30)), audience=rng.choice(("mentor",
                                                                            "mentee", "all")),
                lang=rng.choice(("fr", "nl", "en")),
                place=None if online else f"Salle {i % 7 + 1}",
                online_url=f"https://meet.example.org/{i}" if online else None,
            ), "bench", now)
            row.booked = rng.choice((0, row.capacity // 2, row.capacity - 1, row.capacity))
        db.session.commit()


def time_list(app: Any, path: str, reps: int) -> tuple[list[float], list[float], str]:
    """Wall time of each GET (the budget's measure), and the CPU time the process spent on
    it (the same work without the wait for a core on a busy machine)."""
    client = app.test_client()
    for _ in range(5):  # templates compiled, caches warm: the steady state
        page = client.get(path)
        assert page.status_code == 200, page.status_code
    wall, cpu = [], []
    for _ in range(reps):
        start, start_cpu = time.perf_counter(), time.process_time()
        page = client.get(path)
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return wall, cpu, page.text


LIST_CASES = {
    "all": "/fr/sessions/",
    "one branch": "/fr/sessions/?branch=brussels",
    "young people": "/nl/sessions/?audience=mentee",
}


def profile_list(app: Any, path: Path) -> None:
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    client = app.test_client()
    client.get(LIST_CASES["all"])
    profiler = Profiler()
    profiler.start()
    for _ in range(30):
        client.get(LIST_CASES["all"])
    profiler.stop()
    text = profiler.output(ConsoleRenderer(color=False, unicode=False, flat=True))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("30 GETs of /fr/sessions/ with 500 upcoming sessions, test client\n"
                    + "\n".join(ln for ln in text.splitlines()[:40] if ln.strip()) + "\n")


def bench_list(url: str, s: Settings, out: Path, name: str) -> dict:
    import logging

    from forms_service.db import upgrade

    app = make_app(url)
    upgrade(app)
    logging.getLogger("forms_service").setLevel(logging.WARNING)
    seed_list(app, LIST_SESSIONS)
    cases = {}
    for case, path in LIST_CASES.items():
        wall, cpu, html = time_list(app, path, s.list_reps)
        cases[case] = {**summary(wall), "cpu_p50_ms": percentile(cpu, 0.5),
                       "cpu_p95_ms": percentile(cpu, 0.95), "path": path,
                       "kb": round(len(html.encode()) / 1024, 1),
                       "shown": html.count('<li class="session">')}
    result: dict[str, Any] = {"upcoming": LIST_SESSIONS, "reps": s.list_reps, "cases": cases,
                              "budget_p95_ms": LIST_BUDGET_MS,
                              "met": cases["all"]["p95_ms"] <= LIST_BUDGET_MS}
    if not result["met"]:
        profile = out / "profiles" / f"sessions_list_{name}.txt"
        profile_list(app, profile)
        result["profile"] = str(profile.relative_to(out))
    app.extensions["forms_service.engine"].dispose()
    return result


# -- the run ------------------------------------------------------------------------------


def database(name: str, work: Path) -> tuple[str, Callable[[], None]]:
    """A fresh database: a SQLite file, or a throwaway PostgreSQL cluster (durable)."""
    if name == "sqlite":
        return f"sqlite:///{work / 'forms.sqlite3'}", lambda: None
    cluster = servers.postgres()
    return cluster.start(), cluster.stop


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for name, r in results["bookings"].items():
        def worst(key: str, run: dict[str, Any] = r) -> int:
            return max(run["after_booking"][key], run["after_cancelling"][key])

        overbooked = worst("overbooked") + worst("booked_twice")
        rows.append({"measure": f"{name}: sessions overbooked (or a person booked twice)",
                     "value": overbooked, "budget": "0",
                     "met": overbooked == 0 and r["errors"] == 0})
        # A place counted as taken with nobody in it, or free while someone waits.
        miscounted = worst("count_mismatch") + worst("free_while_waiting")
        rows.append({"measure": f"{name}: sessions whose places are miscounted",
                     "value": miscounted, "budget": "0", "met": miscounted == 0})
    for name, r in results["list"].items():
        p95 = r["cases"]["all"]["p95_ms"]
        rows.append({"measure": f"{name}: /fr/sessions/ p95 with {r['upcoming']} sessions",
                     "value": round(p95, 1), "budget": f"<= {LIST_BUDGET_MS:.0f} ms",
                     "met": p95 <= LIST_BUDGET_MS})
    return rows


def ms(value: float) -> str:
    return "–" if value is None or (isinstance(value, float) and math.isnan(value)) \
        else f"{value:.1f}"


def markdown(results: dict[str, Any]) -> str:
    lines = [SECTION, "",
             f"`python benchmarks/sessions.py{' --quick' if results['quick'] else ''}`, "
             f"{results['date']}, commit {results['commit']}, {results['machine']['cpus']} "
             f"cores (load {results['machine']['load']:.1f} at the start)."
             + (" Quick mode: the figures mean nothing." if results["quick"] else ""), "",
             "| Measure | Value | Budget | Result |", "| --- | ---: | --- | --- |"]
    for v in results["verdicts"]:
        lines.append(f"| {v['measure']} | {v['value']} | {v['budget']} | "
                     f"{'met' if v['met'] else 'MISSED'} |")
    if results["bookings"]:
        first = next(iter(results["bookings"].values()))
        lines += ["", f"Bookings: {first['clients']} clients released together, gunicorn with "
                  f"{first['workers']} sync workers; each client books each of "
                  f"{first['sessions']} sessions of {first['capacity']} places (a form served "
                  "full asks for the waiting list), then a quarter of the bookings are "
                  "cancelled at once by their signed links. Client: the POST's round trip in "
                  "the load generator; server: gunicorn's own time for it. Booked: a place or "
                  "a place in line; full: the last place went meanwhile (409, the waiting list "
                  "offered). Superseded: a person waiting was given a place while cancelling "
                  "(410, the new e-mail's links replace the old).", "",
                  "| Database | Booking POSTs | Booked / full | Booking p50 / p99 client (ms) | "
                  "server (ms) | Cancelled / superseded | Cancel p50 / p99 client (ms) | "
                  "server (ms) | Confirmed / places | Waiting | Errors |",
                  "| --- | ---: | --- | --- | --- | --- | --- | --- | --- | ---: | ---: |"]
        for name, r in results["bookings"].items():
            bc, bs, cc, cs = (r["booking_client"], r["booking_server"], r["cancel_client"],
                              r["cancel_server"])
            end = r["after_cancelling"]
            lines.append(
                f"| {name} | {bc['count']} | {r['outcomes']['booked']} / {r['outcomes']['full']}"
                f" | {ms(bc['p50_ms'])} / {ms(bc['p99_ms'])} | {ms(bs['p50_ms'])} / "
                f"{ms(bs['p99_ms'])} | {r['outcomes']['cancelled']} / "
                f"{r['outcomes']['superseded']} | {ms(cc['p50_ms'])} / {ms(cc['p99_ms'])} | "
                f"{ms(cs['p50_ms'])} / {ms(cs['p99_ms'])} | {end['confirmed']} / "
                f"{end['places']} | {end['waiting']} | {r['errors']} |")
    if results["list"]:
        lines += ["", f"The public list with {LIST_SESSIONS} upcoming sessions over every "
                  "branch, server side (Flask test client in the service's process, warm):", "",
                  "| Database | Page | p50 (ms) | p95 (ms) | p99 (ms) | CPU p50 / p95 (ms) | "
                  "Sessions shown | KB |",
                  "| --- | --- | ---: | ---: | ---: | --- | ---: | ---: |"]
        for name, r in results["list"].items():
            for case, c in r["cases"].items():
                lines.append(f"| {name} | `{c['path']}` ({case}) | {ms(c['p50_ms'])} | "
                             f"{ms(c['p95_ms'])} | {ms(c['p99_ms'])} | {ms(c['cpu_p50_ms'])} / "
                             f"{ms(c['cpu_p95_ms'])} | {c['shown']} | "
                             f"{c['kb']} |")
        profiles = [f"`{r['profile']}`" for r in results["list"].values() if r.get("profile")]
        if profiles:
            lines += ["", f"Profiles of the missed budget (pyinstrument, flat): "
                      f"{', '.join(profiles)}."]
    notes = BENCH_DIR / "sessions_analysis.md"
    if notes.is_file() and not results["quick"]:
        lines += ["", notes.read_text().rstrip()]
    if results["errors"]:
        lines += ["", "Errors:", ""] + [f"- {e}" for e in results["errors"]]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts (the smoke test)")
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--out", type=Path, default=BENCH_DIR)
    args = parser.parse_args(argv)
    s = Settings.make(args.quick)
    names = ("sqlite", "postgresql") if args.db == "both" else (args.db,)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results: dict[str, Any] = {
        "quick": s.quick, "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                 capture_output=True, text=True).stdout.strip() or "unknown",
        "machine": {"cpus": os.cpu_count(), "load": os.getloadavg()[0],
                    "python": platform.python_version()},
        "bookings": {}, "list": {}, "errors": [],
    }
    for name in names:
        work = Path(tempfile.mkdtemp(prefix=f"duo-bench-sessions-{name}-"))
        try:
            url, stop = database(name, work)
            try:
                log(f"[sessions] {name}: bookings")
                results["bookings"][name] = bench_bookings(url, s, work, log)
                log(f"[sessions] {name}: the list with {LIST_SESSIONS} sessions")
                results["list"][name] = bench_list(url, s, args.out, name)
            finally:
                stop()
        except Exception as exc:  # one database failing must not hide the other
            traceback.print_exc()
            results["errors"].append(f"{name}: {type(exc).__name__}: {exc}"[:2000])
        finally:
            shutil.rmtree(work, ignore_errors=True)
    results["verdicts"] = verdicts(results)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sessions_results.json").write_text(
        json.dumps(results, indent=2, default=str) + "\n")
    write_section(args.out / "RESULTS.md", SECTION, markdown(results))
    for v in results["verdicts"]:
        log(f"{'met   ' if v['met'] else 'MISSED'} {v['measure']}: {v['value']} "
            f"(budget {v['budget']})")
    for name, r in results["bookings"].items():
        log(f"{name}: booking POST p50 {ms(r['booking_server']['p50_ms'])} ms, p99 "
            f"{ms(r['booking_server']['p99_ms'])} ms server side; client p50 "
            f"{ms(r['booking_client']['p50_ms'])} ms, p99 {ms(r['booking_client']['p99_ms'])} "
            f"ms; overbooked sessions: {r['after_cancelling']['overbooked']}")
    log(f"{args.out / 'sessions_results.json'}; section in {args.out / 'RESULTS.md'}")
    # Overbooking is a fault, not a figure: the run fails on it (and on errors).
    overbooked = any(r[k]["overbooked"] for r in results["bookings"].values()
                     for k in ("after_booking", "after_cancelling"))
    return 1 if results["errors"] or overbooked else 0


if __name__ == "__main__":
    sys.exit(main())
