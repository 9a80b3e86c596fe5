"""The branch workspace at scale: 100,000 generated applications on SQLite and PostgreSQL.

    python benchmarks/workspace.py [--rows 100000] [--db sqlite|postgresql|both] [--quick]

Generates the applications straight into the database (bulk inserts, keys computed as at
submission), starts a real PostgreSQL (durable settings) and a SQLite file, and measures in
the service's own process, server-side:

- the queue (first page, page 10, a status filter) and the search (a name fragment, an
  e-mail address, a phone number, a reference), as `services.workspace.queue()` and as the
  `/staff/` view through the test client, signed in as a coordinator of one branch, a
  country lead and an admin: p50, p95 and p99;
- the CSV export (`/staff/applications.csv`) of about 20,000 rows and of about 5,000 rows:
  wall time, and peak memory (tracemalloc, and the process's resident set sampled), so a
  flat peak shows the rows are streamed rather than held;
- the query plans of these queries (SQLite: EXPLAIN QUERY PLAN; PostgreSQL: EXPLAIN
  ANALYZE), so the indexes they use can be read.

Writes OUT/workspace_results.json and OUT/workspace_results.md (OUT defaults to benchmarks/).
`--rows 2000 --quick` is the smoke mode the tests run: a few repetitions, the same checks.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
SECTION = "## Workspace at"  # its title in RESULTS.md
# The tests' helpers: the PostgreSQL cluster, and a member of staff signing in.
sys.path.append(str(ROOT / "tests"))
sys.path.insert(0, str(BENCH_DIR))

import psutil  # noqa: E402
from flask import Flask  # noqa: E402
from localservers import PostgresCluster  # noqa: E402
from report import write_section  # noqa: E402
from sqlalchemy import Engine, event, insert, text  # noqa: E402
from staff_support import StaffMember, signed_in  # noqa: E402

from forms_service import create_app  # noqa: E402
from forms_service.db import upgrade  # noqa: E402
from forms_service.domain.duplicates import fold, phone_key  # noqa: E402
from forms_service.domain.references import REFERENCE_ALPHABET, REFERENCE_PREFIX  # noqa: E402
from forms_service.domain.scope import Scope, make_scope  # noqa: E402
from forms_service.kinds import (  # noqa: E402
    AVAILABILITY_CHOICES,
    HEARD_CHOICES,
    LANGUAGE_CHOICES,
    PARTNERSHIP_CHOICES,
    ROLE_CHOICES,
)
from forms_service.models import Application, DuplicateLink  # noqa: E402
from forms_service.services import workspace  # noqa: E402
from forms_service.services.duplicates import MAX_LINKS, set_keys  # noqa: E402
from forms_service.services.workspace import QueueFilter  # noqa: E402
from sitedata import load_default  # noqa: E402

BUDGET_MS = 100.0  # p95 of the queue's first page and of a search
EXPORT_BUDGET_S = 5.0  # 20,000 rows
EXPORT_ROWS = 20_000
# Memory is flat when the peak for four times the rows stays within this factor.
FLAT_FACTOR = 1.5
SEED = 2026

# -- generated applications ------------------------------------------------------------
# Made-up people (e-mail addresses at the reserved example.* domains, never written to):
# names from the communities the programme works with, accents and other scripts included,
# so the folding and the search meet what real answers look like.
FIRST_NAMES = (
    "Amina", "Mohamed", "Fatima", "Youssef", "Aïcha", "Nour", "Yassine", "Meryem", "Hamza",
    "Samira", "Bilal", "Ines", "Karim", "Rania", "Omar", "Salma", "Mamadou", "Aminata",
    "Oumar", "Fatoumata", "Ibrahima", "Awa", "Kofi", "Ama", "Dieudonné", "Grâce", "Tigist",
    "Abdi", "Hodan", "Emre", "Ayşe", "Zeynep", "Mehmet", "Elif", "Olena", "Oleksandr",
    "Олена", "Андрій", "Reza", "Maryam", "Ali", "Zahra", "Farid", "Shirin", "Mariana",
    "João", "Ana", "Élodie", "Marie-Claire", "Jean-Pierre", "Françoise", "Dominique",
    "Annick", "Luc", "Chantal", "Philippe", "Martine", "Jan", "Pieter", "Sofie", "Koen",
    "Els", "Hilde", "Bart", "Wim", "Ingrid", "Marc", "Anneke", "Joost", "Sanne", "Thomas",
)
LAST_NAMES = (
    "El Amrani", "Benali", "Bouzid", "El Idrissi", "Haddad", "Mansour", "Diallo", "Traoré",
    "Koné", "N'Diaye", "Ouédraogo", "Mendy", "Camara", "Mbuyi", "Kabongo", "Ilunga",
    "Tshibanda", "Mensah", "Asante", "Haile", "Tesfaye", "Abdullahi", "Yılmaz", "Kaya",
    "Demir", "Öztürk", "Çelik", "Kovalenko", "Shevchenko", "Коваленко", "Бондаренко",
    "Ahmadi", "Rahimi", "Hosseini", "Karimi", "Popescu", "Ionescu", "Fernandes", "Da Silva",
    "García", "Nguyen", "Dubois", "Lambert", "Dupont", "Martin", "Bernard", "Lefèvre",
    "Moreau", "Fontaine", "Laurent", "Mercier", "Peeters", "Janssens", "Maes", "Jacobs",
    "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet", "Van den Broeck",
    "Vermeulen", "De Vries", "Bakker", "Jansen", "Visser", "Smit", "Van Dijk", "De Jong",
)
ORGANISATIONS = (
    "CPAS", "OCMW", "Mission locale", "Actiris", "VDAB", "Forem", "Pôle emploi", "UWV",
    "Maison de quartier", "Buurthuis", "Lycée professionnel", "Hogeschool", "Centre social",
)
SECTORS = (
    "Logistique", "Soins infirmiers", "Informatique", "Comptabilité", "Horeca", "Bouw",
    "Verkoop", "Administration", "Transport", "Onderwijs", "Zorg", "Commerce", "Industrie",
    "Finance", "Électricité", "Marketing", "Ressources humaines", "Techniek", "Juridique",
)
# How applications spread over the branches (weights): the older and larger cities more.
BRANCH_WEIGHTS = {
    "brussels": 22, "antwerp": 12, "liege": 8, "ghent": 9, "mechelen": 4, "aalst": 3,
    "charleroi": 5, "turnhout": 3, "paris": 12, "lille": 6, "marseille": 6, "lyon": 3,
    "rotterdam": 7,
}
KIND_WEIGHTS = {"mentee": 55, "mentor": 33, "volunteer": 8, "partner": 4}
CLOSING_WEIGHTS = {"withdrew": 10, "no_answer": 8, "not_eligible": 5}
REAPPLY = 0.04  # share of applications from someone who applied before
STILL_NEW = 0.005  # share of older applications nobody has called yet (overdue)
DOMAINS = ("example.org", "example.com", "example.net")
MOBILE = {"BE": ("+3247", 7), "FR": ("+336", 8), "NL": ("+316", 8)}


def postcode(rng: random.Random, branch: Any, country: str) -> str:
    span = rng.choice(branch.postcodes)
    number = rng.randint(span.start, span.end)
    if country == "FR":
        return f"{number:05d}"
    if country == "NL":
        return f"{number} {rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEHJKLMNPRSTVXZ')}"
    return str(number)


def person(rng: random.Random, n: int, country: str, kind: str, created: datetime) -> dict:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    local = fold(f"{first}.{last}").replace(" ", "")
    prefix, digits = MOBILE[country]
    phone = ""
    while not phone_key(phone):  # a number the form accepts (some ranges are not in use)
        phone = prefix + "".join(rng.choice("0123456789") for _ in range(digits))
    if kind == "mentor":
        year = rng.randint(1950, created.year - 50)
    else:
        year = rng.randint(created.year - 33, created.year - 18)
    return {
        "first_name": first, "last_name": last,
        "email": f"{local}{n}@{rng.choice(DOMAINS)}",
        "phone": phone,
        "birth_year": str(year),
    }


def answers_for(rng: random.Random, kind: str, who: dict, country: str, code: str) -> dict:
    def some(choices: tuple, most: int = 2) -> list[str]:
        return sorted(rng.sample([v for v, _ in choices], rng.randint(1, most)))

    common = {"email": who["email"], "phone": who["phone"], "country": country,
              "postcode": code, "branch": None}
    if kind == "partner":
        return {**common, "organisation": f"{rng.choice(ORGANISATIONS)} {who['last_name']}",
                "contact_name": f"{who['first_name']} {who['last_name']}",
                "partnership_type": rng.choice(PARTNERSHIP_CHOICES)[0],
                "message": "Nous aimerions travailler ensemble."}
    named = {"first_name": who["first_name"], "last_name": who["last_name"], **common}
    if kind == "volunteer":
        return {**named, "role": rng.choice(ROLE_CHOICES)[0],
                "availability": some(AVAILABILITY_CHOICES), "message": None}
    return {**named, "birth_year": who["birth_year"], "sector": rng.choice(SECTORS),
            "languages": some(LANGUAGE_CHOICES, 3), "availability": some(AVAILABILITY_CHOICES),
            "heard_from": rng.choice(HEARD_CHOICES)[0]}


def status_for(rng: random.Random, kind: str, age_days: float, steps: list[str]) -> str:
    """Where an application of this age has got to: recent ones are new or just called;
    older ones further along, a quarter closed, a few never called (overdue)."""
    if age_days < 2:
        return "new" if rng.random() < 0.85 else "contacted"
    if rng.random() < STILL_NEW:
        return "new"
    if rng.random() < 0.25:
        return rng.choices(list(CLOSING_WEIGHTS), list(CLOSING_WEIGHTS.values()))[0]
    reached = min(len(steps) - 1, 1 + int(age_days / 15))
    return steps[rng.randint(max(1, reached - 2), reached)]


def generate(n: int, now: datetime, seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """n applications, oldest first (ids 1..n), over the last two years, and their
    duplicate links (both ways), as rows for bulk inserts."""
    site = load_default()
    rng = random.Random(seed)
    pipeline = site.programme.pipeline
    branches = {b.id: b for b in site.branches.branches}
    branch_ids, weights = list(BRANCH_WEIGHTS), list(BRANCH_WEIGHTS.values())
    kinds, kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
    lyon_opened = datetime(branches["lyon"].opened, 1, 1, tzinfo=UTC)
    span = timedelta(days=730).total_seconds()
    # A little more every month: the programme grows.
    moments = sorted(now - timedelta(seconds=span * (1 - rng.random() ** 0.8))
                     for _ in range(n))
    references: set[str] = set()
    people: list[tuple[dict, str, str]] = []
    rows: list[dict] = []
    for i, created in enumerate(moments, start=1):
        if people and rng.random() < REAPPLY:
            who, branch_id, kind = rng.choice(people)
        else:
            branch_id = rng.choices(branch_ids, weights)[0]
            if branch_id == "lyon" and created < lyon_opened:
                branch_id = "paris"
            kind = rng.choices(kinds, kind_weights)[0]
            who = person(rng, i, branches[branch_id].country, kind, created)
            people.append((who, branch_id, kind))
        branch = branches[branch_id]
        country = branch.country
        code = postcode(rng, branch, country)
        answers = answers_for(rng, kind, who, country, code)
        age = (now - created).total_seconds() / 86400
        status = status_for(rng, kind, age, pipeline.steps[kind])
        reference = ""
        while not reference or reference in references:
            reference = REFERENCE_PREFIX + "".join(rng.choices(REFERENCE_ALPHABET, k=6))
        references.add(reference)
        first_contact = None
        if status != "new":
            first_contact = created + timedelta(hours=rng.uniform(3, min(96, age * 24)))
        lang = "en" if rng.random() < 0.05 else rng.choice(branch.languages)
        keys = SimpleNamespace(email=answers["email"], answers=answers)
        set_keys(keys)  # type: ignore[arg-type]  # the same keys as at submission
        rows.append({
            "id": i, "reference": reference, "submission_token": f"{rng.getrandbits(128):032x}",
            "kind": kind, "lang": lang, "branch_id": branch_id, "email": answers["email"],
            "answers": answers, "consent_at": created,
            "privacy_version": site.programme.privacy.version, "status": status,
            "created_at": created, "updated_at": first_contact or created,
            "email_key": keys.email_key, "phone_key": keys.phone_key,
            "name_key": keys.name_key, "search_name": keys.search_name,
            "first_contact_at": first_contact,
            "closed_from": "contacted" if status in CLOSING_WEIGHTS else None,
        })
    return rows, duplicate_links(rows, rng)


def duplicate_links(rows: list[dict], rng: random.Random) -> list[dict]:
    """What link_duplicates writes at submission: each application linked both ways to the
    newest MAX_LINKS earlier ones sharing a key. Some older pairs already have a verdict."""
    seen: dict[tuple[str, str], list[int]] = {}
    links: list[dict] = []
    for row in rows:
        own = {"email": row["email_key"], "phone": row["phone_key"], "name": row["name_key"]}
        earlier: dict[int, list[str]] = {}
        for key, value in own.items():
            if value:
                for other in seen.get((key, value), ()):
                    earlier.setdefault(other, []).append(key)
                seen.setdefault((key, value), []).append(row["id"])
        newest = sorted(earlier.items(), reverse=True)[:MAX_LINKS]
        for other, keys in newest:
            verdict = "open"
            if row["status"] not in ("new", "contacted") and rng.random() < 0.5:
                verdict = "duplicate" if rng.random() < 0.7 else "distinct"
            if verdict == "duplicate":
                row["closed_from"], row["status"] = row["status"], "duplicate"
            for a, b in ((row["id"], other), (other, row["id"])):
                links.append({"application_id": a, "other_id": b, "keys": ",".join(keys),
                              "verdict": verdict})
    return links


def bulk_load(engine: Engine, rows: list[dict], links: list[dict], batch: int = 5000) -> float:
    """Insert in batches in one transaction, then let the planner see the data as
    autovacuum would (PostgreSQL); SQLite is left as a deployment leaves it."""
    started = time.perf_counter()
    with engine.begin() as conn:
        for i in range(0, len(rows), batch):
            conn.execute(insert(Application.__table__), rows[i:i + batch])
        for i in range(0, len(links), batch):
            conn.execute(insert(DuplicateLink.__table__), links[i:i + batch])
        if engine.dialect.name == "postgresql":
            for table in ("application", "duplicate_link"):
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                ))
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE application"))
            conn.execute(text("VACUUM ANALYZE duplicate_link"))
    return time.perf_counter() - started


# -- measuring ----------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Linear interpolation between the closest ranks."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(times_ms: list[float]) -> dict[str, float]:
    return {"n": len(times_ms), "p50": percentile(times_ms, 50),
            "p95": percentile(times_ms, 95), "p99": percentile(times_ms, 99),
            "max": max(times_ms)}


ROLES: dict[str, tuple[Scope, tuple[str, ...]]] = {
    "coordinator": (make_scope("coordinator", ["brussels"], None), ("--branch", "brussels")),
    "country": (make_scope("country", [], "BE"), ("--country", "BE")),
    "admin": (make_scope("admin", [], None), ()),
}
SEARCHES = ("search_name", "search_email", "search_phone", "search_reference")
CASES = ("first_page", "page_10", "status", *SEARCHES)


def search_targets(app: Flask, scope: Scope, count: int, seed: int) -> list[dict]:
    """Applications in the scope to look for, as people type what they know of them: part
    of a name, an e-mail address, a phone number in international form, a reference."""
    site = load_default()
    with app.app_context():
        session = app.extensions["forms_service.sessionmaker"]()
        found = session.execute(
            workspace.scoped(scope, site).with_only_columns(
                Application.reference, Application.email, Application.answers
            ).order_by(Application.id)
        ).all()
        session.close()
    rng = random.Random(seed)
    picked = rng.sample(found, min(count, len(found)))
    targets = []
    for i, (reference, email, answers) in enumerate(picked):
        name = answers.get("contact_name") or f"{answers['first_name']} {answers['last_name']}"
        first, _, last = name.partition(" ")
        # Half the time the first name and the start of the last; else the start of the last.
        fragment = f"{first} {last[:3]}" if i % 2 else last[:4]
        phone = answers["phone"]
        targets.append({
            "search_name": fragment,
            # Typed in capitals a third of the time (where capitals fold back: not "ı").
            "search_email": email.upper() if i % 3 == 0 and
            email.upper().casefold() == email.casefold() else email,
            "search_phone": f"{phone[:3]} {phone[3:6]} {phone[6:9]} {phone[9:]}",
            "search_reference": reference.lower(),
        })
    return targets


def case_filter(case: str, target: dict | None) -> QueueFilter:
    if case == "first_page":
        return QueueFilter()
    if case == "page_10":
        return QueueFilter(page=10)
    if case == "status":
        return QueueFilter(status="contacted")
    assert target is not None
    return QueueFilter(q=target[case])


def query_string(flt: QueueFilter) -> dict[str, str]:
    args = flt.query_args()
    if flt.page != 1:
        args["page"] = str(flt.page)
    return args


def time_service(app: Flask, scope: Scope, flt: QueueFilter) -> tuple[float, int]:
    """One queue() call in a new session (as a request has): milliseconds, and the total."""
    site = load_default()
    with app.app_context():
        session = app.extensions["forms_service.sessionmaker"]()
        started = time.perf_counter()
        page = workspace.queue(session, scope, site, flt, datetime.now(UTC))
        elapsed = (time.perf_counter() - started) * 1000
        session.close()
    return elapsed, page.total


def time_view(person: StaffMember, flt: QueueFilter) -> tuple[float, float]:
    """One GET of the queue: wall and CPU milliseconds of this process (with SQLite, the
    database's work too; the CPU time is what other programs on the machine cannot
    inflate)."""
    started, cpu = time.perf_counter(), time.process_time()
    response = person.get("/staff/", query_string=query_string(flt))
    elapsed = (time.perf_counter() - started) * 1000
    cpu_ms = (time.process_time() - cpu) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"/staff/ answered {response.status_code} for {flt}")
    return elapsed, cpu_ms


def measure_cases(app: Flask, people: dict[str, StaffMember], reps: int,
                  log: Callable[[str], None]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for role, (scope, _) in ROLES.items():
        targets = search_targets(app, scope, reps, SEED)
        results[role] = {}
        for case in CASES:
            per_rep = [case_filter(case, targets[i % len(targets)]) for i in range(reps)]
            for flt in per_rep[:3]:  # warm-up: templates compiled, caches filled
                time_service(app, scope, flt)
                time_view(people[role], flt)
            service, totals, view, cpu = [], [], [], []
            for flt in per_rep:
                elapsed, total = time_service(app, scope, flt)
                service.append(elapsed)
                totals.append(total)
                wall, cpu_ms = time_view(people[role], flt)
                view.append(wall)
                cpu.append(cpu_ms)
            row = {"service_ms": summary(service), "view_ms": summary(view),
                   "view_cpu_ms": summary(cpu),
                   "found": sum(1 for t in totals if t > 0), "reps": reps,
                   "median_total": sorted(totals)[len(totals) // 2]}
            results[role][case] = row
            log(f"  {role:11} {case:16} total~{row['median_total']:>6} "
                f"service p95 {row['service_ms']['p95']:7.1f} ms  "
                f"view p95 {row['view_ms']['p95']:7.1f} ms")
    return results


# -- the CSV export -----------------------------------------------------------------------


def export_filters(app: Flask, rows: int) -> dict[str, tuple[QueueFilter, int]]:
    """An admin's filters giving about 20,000 rows ("big") and a quarter of that ("small"),
    picked among branches, kinds and steps (fewer with fewer rows: a fifth of them)."""
    site = load_default()
    admin = ROLES["admin"][0]
    big_target = min(EXPORT_ROWS, rows // 5)
    candidates: list[QueueFilter] = []
    for b in BRANCH_WEIGHTS:
        candidates.append(QueueFilter(branch=b))
        candidates += [QueueFilter(branch=b, kind=k) for k in KIND_WEIGHTS]
    candidates += [QueueFilter(kind=k) for k in KIND_WEIGHTS]
    with app.app_context():
        session = app.extensions["forms_service.sessionmaker"]()
        counted = [(f, workspace.queue(session, admin, site, f, datetime.now(UTC)).total)
                   for f in candidates]
        session.close()
    chosen = {}
    for name, target in (("big", big_target), ("small", big_target // 4)):
        flt, total = min(counted, key=lambda fc: abs(fc[1] - target))
        chosen[name] = (flt, total)
    return chosen


class RssSampler:
    """The process's resident set, sampled every 10 ms in a thread: the peak above the
    level before the export."""

    def __init__(self) -> None:
        self.process = psutil.Process()
        self.peak = 0
        self.stop_flag = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stop_flag.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.01)

    def __enter__(self) -> RssSampler:
        self.base = self.process.memory_info().rss
        self.peak = self.base
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop_flag.set()
        self.thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.base) / 2**20


def read_export(person: StaffMember, flt: QueueFilter) -> dict[str, Any]:
    """GET the CSV and read it as a browser saves it, chunk by chunk, keeping only counts
    and the first line (so the reader holds no more than the server does)."""
    started = time.perf_counter()
    response = person.get("/staff/applications.csv", query_string=query_string(flt),
                          buffered=False)
    if response.status_code != 200:
        raise RuntimeError(f"the export answered {response.status_code} "
                           f"({response.headers.get('Location')})")
    first_bytes = b""
    size = lines = 0
    for chunk in response.response:
        data = chunk if isinstance(chunk, bytes) else chunk.encode()
        if len(first_bytes) < 400:
            first_bytes += data[:400]
        size += len(data)
        lines += data.count(b"\r\n")  # one line a row: answers are one line each
    response.close()
    elapsed = time.perf_counter() - started
    header = first_bytes.decode("utf-8", "replace").split("\r\n", 1)[0]
    return {"seconds": elapsed, "rows": lines - 1, "bytes": size,
            "bom": first_bytes.startswith("\ufeff".encode()), "header": header.lstrip("\ufeff")}


def measure_export(app: Flask, rows: int, log: Callable[[str], None]) -> dict[str, Any]:
    # The export asks for a sign-in within the last five minutes: a fresh one, just before.
    person = signed_in(app, "export-admin@example.org", "admin")
    out: dict[str, Any] = {}
    for name, (flt, expected) in export_filters(app, rows).items():
        read_export(person, flt)  # warm-up
        with RssSampler() as rss:
            timed = read_export(person, flt)
        tracemalloc.start()
        traced = read_export(person, flt)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out[name] = {**timed, "filter": flt.query_args(), "expected_rows": expected,
                     "rss_growth_mb": rss.growth_mb, "traced_peak_mb": peak / 2**20,
                     "traced_seconds": traced["seconds"]}
        log(f"  export {name:5} {flt.query_args()}: {timed['rows']} rows in "
            f"{timed['seconds']:.2f} s; tracemalloc peak {peak / 2**20:.2f} MB, "
            f"RSS +{rss.growth_mb:.1f} MB")
    big, small = out["big"], out["small"]
    out["peak_ratio"] = big["traced_peak_mb"] / max(small["traced_peak_mb"], 1e-9)
    out["rows_ratio"] = big["rows"] / max(small["rows"], 1)
    return out


def profile_export(app: Flask, flt: QueueFilter, path: Path) -> None:
    """pyinstrument over one export (for a missed budget)."""
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    person = signed_in(app, "profile-admin@example.org", "admin")
    profiler = Profiler()
    profiler.start()
    read_export(person, flt)
    profiler.stop()
    path.write_text(profiler.output(ConsoleRenderer(color=False, unicode=False, flat=True)))


def profile_case(app: Flask, role: str, case: str, reps: int, path: Path) -> None:
    """pyinstrument over `reps` views of one case (for a missed budget)."""
    from pyinstrument import Profiler
    from pyinstrument.renderers import ConsoleRenderer

    scope, options = ROLES[role]
    person = signed_in(app, f"profile-{role}-{case}@example.org".replace("_", "-"), role,
                       *options)
    targets = search_targets(app, scope, reps, SEED + 1)
    profiler = Profiler()
    profiler.start()
    for i in range(reps):
        time_view(person, case_filter(case, targets[i % len(targets)]))
    profiler.stop()
    path.write_text(profiler.output(ConsoleRenderer(color=False, unicode=False, flat=True)))


# -- query plans --------------------------------------------------------------------------


@contextlib.contextmanager
def captured(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements (with their parameters) sent while inside."""
    seen: list[tuple[str, Any]] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def explain(engine: Engine, statement: str, parameters: Any) -> list[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            # (id, parent, notused, detail): indent each step under its parent.
            depth = {0: -1}
            lines = []
            for node, parent, _, detail in plan:
                depth[node] = depth.get(parent, -1) + 1
                lines.append("  " * depth[node] + detail)
            return lines
        rows = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
        return [r[0] for r in rows]


COLUMN_LIST = re.compile(r"SELECT (?:[\w.]+(?: AS \w+)?, ){3,}[\w.]+(?: AS \w+)? FROM")
PARAM = r"(?:\?|%\(\w+\)s(?:::(?:TIMESTAMP WITH TIME ZONE|[A-Z]+))?)"
LONG_LIST = re.compile(rf"({PARAM})(?:, {PARAM}){{2,}}")


def short_sql(statement: str) -> str:
    """The statement on one line, its long column lists and parameter lists cut."""
    flat = " ".join(statement.split())
    flat = COLUMN_LIST.sub("SELECT … FROM", flat)
    return LONG_LIST.sub(r"\1, …", flat)


def plans(app: Flask, targets: dict[str, dict]) -> list[dict[str, Any]]:
    """The plans of every statement a queue() call sends, for the cases in the budgets, and
    of the export's query."""
    site = load_default()
    engine: Engine = app.extensions["forms_service.engine"]
    wanted = [("coordinator", "first_page"), ("admin", "first_page"),
              ("coordinator", "page_10"), ("coordinator", "status"),
              *(("coordinator", s) for s in SEARCHES), ("admin", "search_name")]
    out = []
    for role, case in wanted:
        scope = ROLES[role][0]
        flt = case_filter(case, targets[role])
        with app.app_context():
            session = app.extensions["forms_service.sessionmaker"]()
            with captured(engine) as seen:
                workspace.queue(session, scope, site, flt, datetime.now(UTC))
            session.close()
        for statement, parameters in seen:
            out.append({"role": role, "case": case, "sql": short_sql(statement),
                        "statement": statement, "plan": explain(engine, statement, parameters)})
    with app.app_context():
        session = app.extensions["forms_service.sessionmaker"]()
        with captured(engine) as seen:
            rows = workspace.export_rows(session, ROLES["admin"][0], site,
                                         QueueFilter(branch="brussels"), datetime.now(UTC))
            next(rows, None)
            rows.close()
        session.close()
    for statement, parameters in seen[:1]:
        out.append({"role": "admin", "case": "export (branch=brussels)",
                    "sql": short_sql(statement), "statement": statement,
                    "plan": explain(engine, statement, parameters)})
    return out


# -- one database -------------------------------------------------------------------------


def make_app(url: str) -> Flask:
    app = create_app({
        "SECRET_KEY": "bench-secret-not-for-production", "DATABASE_URL": url,
        "SITE_DIR": "/nonexistent", "RATELIMIT_ENABLED": False, "MAIL_SERVER": None,
    })
    upgrade(app)
    return app


def bench_database(url: str, generated: tuple[list[dict], list[dict]], reps: int,
                   profile_dir: Path | None, log: Callable[[str], None]) -> dict[str, Any]:
    app = make_app(url)
    engine: Engine = app.extensions["forms_service.engine"]
    rows, links = generated
    result: dict[str, Any] = {"rows": len(rows), "duplicate_links": len(links)}
    result["load_s"] = bulk_load(engine, rows, links)
    log(f"  loaded {len(rows)} applications and {len(links)} duplicate links "
        f"in {result['load_s']:.1f} s")
    people = {role: signed_in(app, f"{role}@example.org", role, *options)
              for role, (_, options) in ROLES.items()}
    result["cases"] = measure_cases(app, people, reps, log)
    result["export"] = measure_export(app, len(rows), log)
    first_targets = {role: search_targets(app, ROLES[role][0], 1, SEED + 2)[0]
                     for role in ROLES}
    result["plans"] = plans(app, first_targets)
    result["indexes"] = indexes(engine)
    result["errors"] = sanity(result)
    if profile_dir is not None:
        for role, cases in result["cases"].items():
            for case, row in cases.items():
                if budgeted(case) and row["view_ms"]["p95"] > BUDGET_MS:
                    path = profile_dir / f"workspace-{engine.dialect.name}-{role}-{case}.txt"
                    profile_case(app, role, case, min(reps, 30), path)
                    log(f"  profile: {path.relative_to(ROOT)}")
        if result["export"]["big"]["seconds"] > EXPORT_BUDGET_S:
            path = profile_dir / f"workspace-{engine.dialect.name}-export.txt"
            flt = QueueFilter(**result["export"]["big"]["filter"])
            profile_export(app, flt, path)
            log(f"  profile: {path.relative_to(ROOT)}")
    engine.dispose()
    return result


def indexes(engine: Engine) -> list[str]:
    """The application table's indexes as the database has them."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            found = conn.execute(text(
                "SELECT sql FROM sqlite_master WHERE type='index' AND tbl_name='application' "
                "AND sql IS NOT NULL ORDER BY name"
            ))
        else:
            found = conn.execute(text(
                "SELECT indexdef FROM pg_indexes WHERE tablename='application' ORDER BY indexname"
            ))
        return [r[0] for r in found]


def sanity(result: dict[str, Any]) -> list[str]:
    """What must hold whatever the timings: every search found its application, each
    scope sees what it should, the export wrote every row of its filter, with the BOM and
    the header."""
    from forms_service.staff.routes import CSV_COLUMNS

    errors = []
    cases = result["cases"]
    for role, by_case in cases.items():
        for case in SEARCHES:
            if by_case[case]["found"] != by_case[case]["reps"]:
                errors.append(f"{role} {case}: found {by_case[case]['found']} of "
                              f"{by_case[case]['reps']}")
    seen = [cases[role]["first_page"]["median_total"] for role in ROLES]
    if not 0 < seen[0] < seen[1] < seen[2] == result["rows"]:
        errors.append(f"coordinator, country lead and admin see {seen} applications")
    for name in ("small", "big"):
        e = result["export"][name]
        if e["rows"] != e["expected_rows"] or not e["rows"]:
            errors.append(f"export {name}: {e['rows']} rows, {e['expected_rows']} expected")
        if not e["bom"] or e["header"] != ",".join(CSV_COLUMNS):
            errors.append(f"export {name}: BOM {e['bom']}, header {e['header']!r}")
    return errors


def budgeted(case: str) -> bool:
    return case == "first_page" or case.startswith("search_")


def verdicts(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each budget, per database: met or missed."""
    out = []
    for db, res in results["databases"].items():
        for role, cases in res["cases"].items():
            for case, row in cases.items():
                if budgeted(case):
                    value = row["view_ms"]["p95"]
                    out.append({"db": db, "measure": f"{role} {case} view p95", "value": value,
                                "unit": "ms", "budget": f"≤ {BUDGET_MS:.0f} ms",
                                "pass": value <= BUDGET_MS})
        export = res["export"]
        out.append({"db": db, "measure": f"export {export['big']['rows']} rows",
                    "value": export["big"]["seconds"], "unit": "s",
                    "budget": f"≤ {EXPORT_BUDGET_S:.0f} s",
                    "pass": export["big"]["seconds"] <= EXPORT_BUDGET_S})
        out.append({"db": db, "measure": "export peak memory, big / small",
                    "value": export["peak_ratio"], "unit": "×",
                    "budget": f"≤ {FLAT_FACTOR} (rows × {export['rows_ratio']:.1f})",
                    "pass": export["peak_ratio"] <= FLAT_FACTOR})
    return out


# -- report -------------------------------------------------------------------------------


def table(results: dict[str, Any]) -> str:
    lines = ["| DB | Role | Case | Rows found | queue() p50 / p95 / p99 ms "
             "| /staff/ p50 / p95 / p99 ms | /staff/ CPU p95 | Budget |",
             "| --- | --- | --- | ---: | ---: | ---: | ---: | --- |"]
    for db, res in results["databases"].items():
        for role, cases in res["cases"].items():
            for case, row in cases.items():
                s, v = row["service_ms"], row["view_ms"]
                budget = ""
                if budgeted(case):
                    budget = "pass" if v["p95"] <= BUDGET_MS else "**FAIL**"
                found = (f"{row['median_total']:,} (median)" if case in ("first_page",
                         "page_10", "status") else f"{row['found']}/{row['reps']} found")
                lines.append(
                    f"| {db} | {role} | {case} | {found} | {s['p50']:.1f} / {s['p95']:.1f} / "
                    f"{s['p99']:.1f} | {v['p50']:.1f} / {v['p95']:.1f} / {v['p99']:.1f} "
                    f"| {row['view_cpu_ms']['p95']:.1f} | {budget} |"
                )
    return "\n".join(lines)


def export_table(results: dict[str, Any]) -> str:
    lines = ["| DB | Filter (admin) | Rows | Wall time | MB written | tracemalloc peak "
             "| RSS growth |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
    for db, res in results["databases"].items():
        for name in ("small", "big"):
            e = res["export"][name]
            lines.append(
                f"| {db} | {e['filter']} | {e['rows']:,} | {e['seconds']:.2f} s "
                f"| {e['bytes'] / 2**20:.1f} | {e['traced_peak_mb']:.2f} MB "
                f"| {e['rss_growth_mb']:.1f} MB |"
            )
    return "\n".join(lines)


def markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    parts = [
        f"{SECTION} {results['rows']:,} applications",
        "",
        f"- Date: {results['date']}; commit {results['commit']}; "
        f"{m['cores']} cores, Python {m['python']}; load average {m['load_start']:.2f} at "
        f"start, {m['load_end']:.2f} at end; took {results['seconds']:.0f} s.",
        "- Made by `python benchmarks/workspace.py` (the last step of `make bench`): "
        f"{results['rows']:,} generated applications over the 13 branches and two years "
        "(bulk inserts; duplicate keys and links as at submission), in a SQLite file and in "
        "a PostgreSQL server (durable settings, `VACUUM ANALYZE` after the load, as "
        "autovacuum would). Timed in the service's process, server-side: `queue()` in a new "
        "session, and the `/staff/` view through the Flask test client signed in (two "
        f"factors) as a Brussels coordinator, the Belgian country lead and an admin; "
        f"{results['reps']} requests per case, each search for a different application. "
        "The CPU column is this process's CPU time per request: with SQLite it holds the "
        "database's work too, and, unlike wall time, other programs on the machine do not "
        "inflate it (PostgreSQL's own work is in its server process).",
        "",
        f"Budgets: {sum(v['pass'] for v in results['verdicts'])} pass, "
        f"{sum(not v['pass'] for v in results['verdicts'])} fail.",
        "",
        table(results),
        "",
        "CSV export, read chunk by chunk as a browser saves it; memory measured on a second "
        "run under tracemalloc (Python allocations) and as the resident set sampled every "
        "10 ms during the timed run:",
        "",
        export_table(results),
        "",
    ]
    for db, res in results["databases"].items():
        e = res["export"]
        parts.append(
            f"- {db}: {e['rows_ratio']:.1f} × the rows, {e['peak_ratio']:.2f} × the "
            "tracemalloc peak: memory stays flat."
            if e["peak_ratio"] <= FLAT_FACTOR else
            f"- {db}: {e['rows_ratio']:.1f} × the rows, {e['peak_ratio']:.2f} × the peak: "
            "memory grows with the export."
        )
    parts += ["", "### Indexes", ""]
    found = {line for res in results["databases"].values() for line in res["indexes"]}
    for name, use in INDEX_USES.items():
        definition = next((d for d in sorted(found) if f" {name} " in d), None)
        if definition:
            columns = definition[definition.index(" ON ") + 4:].replace("public.", "")
            parts.append(f"- `{name}` {columns}: {use}")
    parts += ["", "### Query plans", "",
              "Every statement one `queue()` call sends, per case (parameters as measured); "
              "SQLite: `EXPLAIN QUERY PLAN`; PostgreSQL: `EXPLAIN (ANALYZE, BUFFERS)`, costs "
              "and buffers left out (all in workspace_results.json).", ""]
    for db, res in results["databases"].items():
        parts += [f"#### {db}", ""]
        last = None
        for p in res["plans"]:
            if (p["role"], p["case"]) != last:
                parts += [""] if last else []
                last = (p["role"], p["case"])
                parts += [f"{p['role']}, {p['case'].replace('_', ' ')}:", ""]
            sql = p["sql"] if len(p["sql"]) <= 220 else p["sql"][:220] + " …"
            if db == "sqlite":
                parts.append(f"- `{sql}` → " + "; ".join(f"`{ln.strip()}`" for ln in p["plan"]))
            else:
                parts += [f"- `{sql}`", "", "  ```", *("  " + ln for ln in condensed(p["plan"])),
                          "  ```"]
        parts.append("")
    notes = BENCH_DIR / "workspace_analysis.md"
    if notes.is_file() and not results["quick"]:
        parts += [notes.read_text().rstrip(), ""]
    return "\n".join(parts).rstrip() + "\n"


INDEX_USES = {
    "ix_application_branch_created": "a branch's applications newest first (a coordinator's "
    "pages, the export) and the count of a scope, from the index alone",
    "ix_application_branch_status_created": "the overdue part of the queue (new, older than "
    "the promise) and a filter by step, newest first",
    "ix_application_created": "newest first across branches (PostgreSQL walks it backwards "
    "for an admin and stops after a page)",
    "ix_application_branch_queue": "a search inside names reads the scope's folded names, "
    "steps and dates from the index alone, in order (SQLite; PostgreSQL without pg_trgm)",
    "ix_application_search_name_trgm": "PostgreSQL finds a name fragment from its trigrams",
    "ix_application_email_key": "the search by e-mail address (and duplicate linking)",
    "ix_application_phone_key": "the search by phone number (and duplicate linking)",
    "application_reference_key": "the search by reference (unique)",
    "sqlite_autoindex_application_1": "the search by reference (unique)",
}
PG_TIMES = re.compile(
    r"\(cost=[^)]*\) \(actual time=[\d.]+\.\.(?P<ms>[\d.]+) rows=(?P<rows>\d+) loops=\d+\)"
)
PG_COST = re.compile(r" \(cost=[^)]*\)")


def condensed(plan: list[str]) -> list[str]:
    """A PostgreSQL plan with its nodes, conditions, row counts and times."""
    skip = ("Buffers:", "Planning:", "Sort Method", "Full-sort Groups", "Heap Blocks")
    lines = []
    for line in plan:
        if any(word in line for word in skip):
            continue
        line = PG_TIMES.sub(lambda m: f"(rows={m['rows']}, {m['ms']} ms)", line)
        lines.append(PG_COST.sub("", line))
    return lines


def load_average() -> float:
    return os.getloadavg()[0]


def commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                          capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--quick", action="store_true",
                        help="a few repetitions (the smoke mode: --rows 2000 --quick)")
    parser.add_argument("--reps", type=int, default=None,
                        help="requests per case (default 100, or 5 with --quick)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR)
    parser.add_argument("--profile", action="store_true",
                        help="pyinstrument profiles of missed budgets, in benchmarks/profiles/")
    parser.add_argument("--report", type=Path, default=None,
                        help="only write the Markdown report (and its RESULTS.md section) "
                        "again from this results JSON")
    args = parser.parse_args(argv)
    if args.report:
        results = json.loads(args.report.read_text())
        report = markdown(results)
        (args.out / "workspace_results.md").write_text(report)
        write_section(args.out / "RESULTS.md", SECTION, report)
        return 0
    reps = args.reps or (5 if args.quick else 100)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    started = time.perf_counter()
    load_start = load_average()
    now = datetime.now(UTC)
    log(f"generating {args.rows} applications")
    generated = generate(args.rows, now)
    results: dict[str, Any] = {
        "date": now.isoformat(timespec="seconds"), "commit": commit(), "rows": args.rows,
        "quick": args.quick, "reps": reps, "budgets": {
            "p95_ms": BUDGET_MS, "export_s": EXPORT_BUDGET_S, "flat_factor": FLAT_FACTOR},
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(),
                    "load_start": load_start},
        "databases": {},
    }
    profile_dir = BENCH_DIR / "profiles" if args.profile else None
    with tempfile.TemporaryDirectory(prefix="duo-workspace-bench-") as tmp:
        if args.db in ("sqlite", "both"):
            log("sqlite")
            results["databases"]["sqlite"] = bench_database(
                f"sqlite:///{Path(tmp) / 'workspace.sqlite3'}", generated, reps, profile_dir,
                log,
            )
        if args.db in ("postgresql", "both"):
            log("postgresql")
            cluster = PostgresCluster(durable=True)
            url = cluster.start()
            try:
                results["databases"]["postgresql"] = bench_database(
                    url, generated, reps, profile_dir, log
                )
            finally:
                cluster.stop()
    results["machine"]["load_end"] = load_average()
    results["seconds"] = time.perf_counter() - started
    results["verdicts"] = verdicts(results)
    results["errors"] = [f"{db}: {e}" for db, res in results["databases"].items()
                         for e in res["errors"]]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "workspace_results.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n"
    )
    report = markdown(results)
    (args.out / "workspace_results.md").write_text(report)
    write_section(args.out / "RESULTS.md", SECTION, report)
    print(table(results))
    print()
    print(export_table(results))
    for v in results["verdicts"]:
        if not v["pass"]:
            print(f"MISSED: {v['db']} {v['measure']}: {v['value']:.2f} {v['unit']} "
                  f"(budget {v['budget']})")
    for error in results["errors"]:
        print(f"ERROR: {error}")
    print(f"\n{args.out / 'workspace_results.json'}; {args.out / 'workspace_results.md'}")
    return 1 if results["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
