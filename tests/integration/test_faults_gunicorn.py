"""A real gunicorn worker killed with SIGKILL in the middle of a load of submissions.

Every submission that got its redirect must be stored with its two outbox messages; a person
who saw an error and pressed send again must not be stored twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from apply_support import HIDDEN, VALID, make_app, stored
from localservers import gunicorn_service

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]
CLIENTS = 6
PER_CLIENT = 6
KILL_AFTER = 12  # redirects received before a worker is killed
KINDS = ("mentor", "mentee", "partner", "volunteer")


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.add(int(entry.name))
    return found


def wait_until(check, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def gunicorn(database_url: str, tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen, str]]:
    """gunicorn with the production config, two workers, on a free loopback port."""
    app = make_app(database_url)  # SQLite: creates the schema; PostgreSQL: done per session
    app.extensions["forms_service.engine"].dispose()
    config = {"FLASK_DATABASE_URL": database_url, "FLASK_SECRET_KEY": "kill-test-secret",
              "FLASK_SITE_DIR": "/nonexistent", "FLASK_RATELIMIT_ENABLED": "false"}
    with gunicorn_service(tmp_path, config, upgrade=False) as server:
        wait_until(lambda: len(children(server.process.pid)) == 2, 10, "two workers")
        yield server.base, server.process, database_url


class Load:
    """Clients that each open a form, fill it in and send it, as people do."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.lock = threading.Lock()
        self.redirected: dict[str, str] = {}  # submission token -> thanks URL
        self.tokens: set[str] = set()
        self.errors = 0
        self.enough = threading.Event()

    def person(self, client: int) -> None:
        session = requests.Session()
        for n in range(PER_CLIENT):
            kind = KINDS[(client + n) % len(KINDS)]
            url = f"{self.base}/en/apply/{kind}/"
            data = {**VALID[kind], "email": f"c{client}n{n}@example.org"}
            data.update(dict(HIDDEN.findall(self.get(session, url).text)))
            with self.lock:
                self.tokens.add(data["submission_token"])
            for _attempt in range(4):  # an error page: the person sends the form again
                try:
                    response = session.post(url, data=data, allow_redirects=False, timeout=10)
                except requests.RequestException:
                    with self.lock:
                        self.errors += 1
                    continue
                if response.status_code == 303:
                    with self.lock:
                        self.redirected[data["submission_token"]] = response.headers["Location"]
                        if len(self.redirected) >= KILL_AFTER:
                            self.enough.set()
                    break
                with self.lock:
                    self.errors += 1
            time.sleep(0.02)

    def get(self, session: requests.Session, url: str) -> requests.Response:
        for _ in range(4):
            try:
                response = session.get(url, timeout=10)
                if response.status_code == 200:
                    return response
            except requests.RequestException:
                pass
            with self.lock:
                self.errors += 1
        raise AssertionError(f"could not open {url}")


def test_a_worker_killed_mid_load_loses_no_submission_that_was_redirected(gunicorn) -> None:
    base, master, database_url = gunicorn
    load = Load(base)
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        futures = [pool.submit(load.person, c) for c in range(CLIENTS)]
        assert load.enough.wait(30), "the load never got going"
        workers = children(master.pid)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        at_kill = len(load.redirected)
        for future in futures:
            future.result(timeout=60)
    assert time.monotonic() - started < 60
    assert at_kill < CLIENTS * PER_CLIENT  # killed in the middle of the load

    # gunicorn replaced the killed worker.
    wait_until(lambda: victim not in children(master.pid) and len(children(master.pid)) == 2,
               10, "a new worker")

    checker = make_app(database_url)
    applications, messages = stored(checker)
    checker.extensions["forms_service.engine"].dispose()
    by_reference = {a.reference: a for a in applications}
    for token, location in load.redirected.items():
        reference = location.rstrip("/").rsplit("/", 1)[-1]
        application = by_reference.get(reference)
        assert application is not None, f"{reference} got a redirect but was not stored"
        assert application.submission_token == token
        kinds = sorted(m.kind for m in messages if m.application_id == application.id)
        assert kinds == ["confirmation", "notification"]
    # Sending again after an error never stored a second copy, and nothing is half stored.
    assert len({a.submission_token for a in applications}) == len(applications)
    assert {a.submission_token for a in applications} <= load.tokens
    assert len(messages) == 2 * len(applications)
    assert len(load.redirected) == CLIENTS * PER_CLIENT



# -- The SQLite file deleted while serving -------------------------------------------------


@pytest.fixture
def sqlite_gunicorn(tmp_path: Path) -> Iterator[tuple[str, Path, dict[str, str]]]:
    """gunicorn with the production config, two workers, on a SQLite file made by
    `flask db upgrade`, as deploy/ runs it."""
    database = tmp_path / "instance" / "forms.sqlite3"
    database.parent.mkdir()
    config = {"FLASK_DATABASE_URL": f"sqlite:///{database}", "FLASK_SECRET_KEY": "delete-test",
              "FLASK_SITE_DIR": "/nonexistent", "FLASK_RATELIMIT_ENABLED": "false"}
    with gunicorn_service(tmp_path, config) as server:
        wait_until(lambda: len(children(server.process.pid)) == 2, 10, "two workers")
        yield server.base, database, server.env


def upgrade_database(env: dict[str, str]) -> None:
    flask = PROJECT / ".venv" / "bin" / "flask"
    subprocess.run([str(flask), "--app", "forms_service", "db", "upgrade"], cwd=PROJECT,
                   env=env, check=True, capture_output=True, timeout=60)


def send_form(session: requests.Session, base: str, n: int) -> requests.Response:
    url = f"{base}/en/apply/volunteer/"
    data = {**VALID["volunteer"], "email": f"deleted{n}@example.org", "last_name": name(n)}
    data.update(dict(HIDDEN.findall(session.get(url, timeout=10).text)))
    return session.post(url, data=data, allow_redirects=False, timeout=10)


def name(n: int) -> str:
    return "Naam" + "abcdefghijklmnopqrstuvwxyz"[n]


def count_applications(database: Path) -> int:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return connection.execute("SELECT count(*) FROM application").fetchone()[0]
    finally:
        connection.close()


def test_a_database_file_deleted_while_serving_answers_503_and_never_a_thank_you(
    sqlite_gunicorn,
) -> None:
    """The audit's case: pooled connections went on writing to the unlinked file, and eight
    thank-you pages were shown for applications that were gone after a restart."""
    base, database, env = sqlite_gunicorn
    browsers = [requests.Session() for _ in range(4)]
    # Every worker has connections in its pool.
    for n, browser in enumerate(browsers):
        assert send_form(browser, base, n).status_code == 303
    assert count_applications(database) == 4

    for file in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        file.unlink(missing_ok=True)  # as `rm instance/forms.sqlite3*` would
    answers = []
    for n in range(8):
        response = send_form(browsers[n % 4], base, 10 + n)
        assert response.status_code == 503, response.status_code
        assert response.headers["Retry-After"].isdigit()
        # The person's answers come back in the page, to send again later.
        assert f'value="{name(10 + n)}"' in response.text
        assert f'value="deleted{10 + n}@example.org"' in response.text
        answers.append(response)
    assert not database.exists()  # nothing made an empty database in its place

    # The operator recreates the database: the kept form is sent again and stored there.
    upgrade_database(env)
    again = dict(HIDDEN.findall(answers[0].text))
    url = f"{base}/en/apply/volunteer/"
    data = {**VALID["volunteer"], "email": "deleted10@example.org", "last_name": name(10),
            **again}
    assert browsers[0].post(url, data=data, allow_redirects=False, timeout=10).status_code == 303
    assert count_applications(database) == 1
