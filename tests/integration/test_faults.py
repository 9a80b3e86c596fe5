"""Faults: SMTP down, silent or refusing, and the database unavailable or locked.

Each case runs against a real SMTP server (aiosmtpd) or a real socket on loopback, and a real
database (SQLite and PostgreSQL through the `database_url` fixture).
"""

from __future__ import annotations

import email
import email.policy
import logging
import re
import socket
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from apply_support import HIDDEN, VALID, ApplicationActions, make_app, stored
from localservers import free_port

pytestmark = pytest.mark.integration

# A submission that waited on SMTP would take at least the mail timeout; these never do.
FAST = 1.0


class Inbox:
    """An aiosmtpd handler that keeps every message, and can answer RCPT or DATA with an error."""

    def __init__(self, rcpt_answer: str | None = None, data_answer: str | None = None) -> None:
        self.rcpt_answer = rcpt_answer
        self.data_answer = data_answer
        self.messages: list[email.message.EmailMessage] = []

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        if self.rcpt_answer:
            return self.rcpt_answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if self.data_answer:
            return self.data_answer
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


class Smtp:
    """aiosmtpd on a fixed loopback port, started and stopped by the test."""

    def __init__(self, port: int, handler: Inbox) -> None:
        self.port = port
        self.inbox = handler
        self.controller: Controller | None = None

    def start(self) -> Smtp:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


class RawServer:
    """A real socket server in a thread: `silent` accepts and never says a word; `drop_quit`
    speaks just enough SMTP to take a message and hangs up instead of answering QUIT."""

    def __init__(self, mode: str) -> None:
        self.mode = mode
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.received: list[bytes] = []
        self.connections: list[socket.socket] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.sock.settimeout(0.2)
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(conn)  # held open, unanswered, until the test ends
            if self.mode == "drop_quit":
                threading.Thread(target=self._converse, args=(conn,), daemon=True).start()

    def _converse(self, conn: socket.socket) -> None:
        reader = conn.makefile("rb")
        conn.sendall(b"220 raw ESMTP\r\n")
        while line := reader.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                conn.sendall(b"250 raw\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go on\r\n")
                body = b""
                while (chunk := reader.readline()) not in (b".\r\n", b""):
                    body += chunk
                self.received.append(body)
                conn.sendall(b"250 queued\r\n")
            elif verb == b"QUIT":
                break  # hang up without the 221
            else:
                conn.sendall(b"250 OK\r\n")
        conn.close()

    def close(self) -> None:
        self.stopping.set()
        self.sock.close()
        for conn in self.connections:
            conn.close()
        self.thread.join(timeout=2)


def mail_app(database_url: str, port: int, timeout: float = 2.0):
    return make_app(
        database_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=port,
        MAIL_DEFAULT_SENDER="DUO for a JOB <forms@example.org>",
        MAIL_TIMEOUT=timeout,
    )


@pytest.fixture
def apps() -> Iterator[list]:
    """Apps made by a test, their engines disposed at the end."""
    made: list = []
    yield made
    for app in made:
        app.extensions["forms_service.engine"].dispose()


def timed_submit(actions: ApplicationActions, kind: str, lang: str, **overrides) -> float:
    hidden = actions.open(kind, lang)
    start = time.monotonic()
    response = actions.submit(kind, lang, hidden=hidden, **overrides)
    elapsed = time.monotonic() - start
    assert response.status_code == 303, response.text[:500]
    return elapsed


def service_log(caplog: pytest.LogCaptureFixture) -> str:
    """What the service logged (aiosmtpd's own log names the test recipients)."""
    return "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith("forms_service")
    )


def send_due(app, when: datetime | None = None) -> dict[str, int]:
    from forms_service.mail.outbox import send_pending

    with app.app_context():
        return send_pending(now=when)


# --- SMTP down, silent, refusing ------------------------------------------------------------


def test_a_burst_while_smtp_is_down_is_stored_fast_and_delivered_exactly_once_later(
    database_url: str, apps: list
) -> None:
    port = free_port()  # nothing listens yet: SMTP is down
    app = mail_app(database_url, port)
    apps.append(app)
    actions = ApplicationActions(app.test_client())
    kinds = ["mentor", "mentee", "partner", "volunteer"]
    durations = [
        timed_submit(actions, kinds[i % 4], "fr", email=f"burst{i}@example.org")
        for i in range(30)
    ]
    assert max(durations) < FAST, durations

    counts = send_due(app)
    assert counts == {"sent": 0, "retry": 60, "failed": 0, "waiting": 0}
    applications, messages = stored(app)
    assert len(applications) == 30 and len(messages) == 60
    assert all(m.status == "pending" and m.attempts == 1 for m in messages)

    smtp = Smtp(port, Inbox()).start()
    try:
        # The backoff has passed: one pass delivers everything, a second finds nothing due.
        later = datetime.now(UTC) + timedelta(minutes=5)
        assert send_due(app, later)["sent"] == 60
        assert send_due(app, later + timedelta(hours=7))["sent"] == 0
    finally:
        smtp.stop()
    ids = Counter(m["Message-ID"] for m in smtp.inbox.messages)
    assert len(ids) == 60 and set(ids.values()) == {1}
    # Each outbox row went out exactly once, under its own stable Message-ID.
    assert all(f"<outbox-{m.id}." in " ".join(ids) for m in stored(app)[1])
    # Confirmations go to the applicants; notifications to the branch's inbox.
    confirmations = Counter(
        m["To"] for m in smtp.inbox.messages if m["To"] != "brussels@duoforajob.be"
    )
    assert confirmations == Counter(f"burst{i}@example.org" for i in range(30))
    assert all(m.status == "sent" and m.attempts == 2 for m in stored(app)[1])


def test_an_smtp_server_that_never_answers_keeps_submissions_fast_and_the_sender_retries(
    database_url: str, apps: list, caplog: pytest.LogCaptureFixture
) -> None:
    silent = RawServer("silent")
    try:
        app = mail_app(database_url, silent.port, timeout=0.5)
        apps.append(app)
        actions = ApplicationActions(app.test_client())
        durations = [timed_submit(actions, "mentee", "nl", email=f"s{i}@example.org")
                     for i in range(3)]
        assert max(durations) < 0.5  # a submission that waited on SMTP would take 0.5 s

        caplog.set_level(logging.INFO)
        start = time.monotonic()
        counts = send_due(app)
        elapsed = time.monotonic() - start
    finally:
        silent.close()
    assert counts["retry"] == 6 and counts["sent"] == 0
    assert 6 * 0.5 <= elapsed < 6 * 0.5 + 6  # each attempt gave up after the 0.5 s timeout
    before = datetime.now(UTC)
    for m in stored(app)[1]:
        assert m.status == "pending" and m.attempts == 1
        assert "timeout" in m.last_error
        due = m.next_attempt_at if m.next_attempt_at.tzinfo else m.next_attempt_at.replace(
            tzinfo=UTC)
        assert due > before  # scheduled for a later pass
    assert "not sent (SMTPServerDisconnected); retry 1" in service_log(caplog)


def test_a_message_accepted_before_the_connection_drops_on_quit_is_not_sent_again(
    database_url: str, apps: list
) -> None:
    """DATA was answered 250, then the server hung up instead of answering QUIT."""
    server = RawServer("drop_quit")
    try:
        app = mail_app(database_url, server.port)
        apps.append(app)
        ApplicationActions(app.test_client()).submit("partner", "en")
        assert send_due(app)["sent"] == 2
        assert send_due(app, datetime.now(UTC) + timedelta(days=1))["sent"] == 0
    finally:
        server.close()
    assert len(server.received) == 2
    assert [m.status for m in stored(app)[1]] == ["sent", "sent"]


@pytest.mark.parametrize(
    ("stage", "answer", "status"),
    [
        ("rcpt", "451 4.3.0 Mailbox busy, try later", "pending"),
        ("data", "452 4.3.1 Insufficient system storage", "pending"),
        ("rcpt", "550 5.1.1 No such user here", "failed"),
        ("data", "554 5.7.1 Message refused", "failed"),
    ],
)
def test_a_4xx_answer_is_retried_and_a_5xx_answer_fails_the_message_at_once(
    database_url: str, apps: list, stage: str, answer: str, status: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    handler = Inbox(**{f"{stage}_answer": answer})
    smtp = Smtp(free_port(), handler).start()
    try:
        app = mail_app(database_url, smtp.port)
        apps.append(app)
        ApplicationActions(app.test_client()).submit("mentor", "fr")
        counts = send_due(app)
    finally:
        smtp.stop()
    assert counts["retry" if status == "pending" else "failed"] == 2
    for m in stored(app)[1]:
        assert (m.status, m.attempts) == (status, 1)
        assert answer in m.last_error
        said = f"outbox message {m.id} ({m.kind}, application {m.application_id}) failed for good"
        assert (said in service_log(caplog)) == (status == "failed")


def test_retries_exhausted_fail_the_message_and_staff_see_it_in_outbox_failed(
    database_url: str, apps: list, caplog: pytest.LogCaptureFixture
) -> None:
    from forms_service.mail.policy import MAX_ATTEMPTS

    smtp = Smtp(free_port(), Inbox(data_answer="451 4.3.0 Greylisted, try later")).start()
    caplog.set_level(logging.INFO)
    try:
        app = mail_app(database_url, smtp.port)
        apps.append(app)
        ApplicationActions(app.test_client()).submit("mentee", "en")
        moment = datetime.now(UTC)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            counts = send_due(app, moment)
            assert counts["retry" if attempt < MAX_ATTEMPTS else "failed"] == 2
            moment += timedelta(hours=7)  # past the longest backoff
        assert send_due(app, moment) == {"sent": 0, "retry": 0, "failed": 0, "waiting": 0}
    finally:
        smtp.stop()
    applications, messages = stored(app)
    assert [(m.status, m.attempts) for m in messages] == [("failed", MAX_ATTEMPTS)] * 2

    result = app.test_cli_runner().invoke(args=["outbox", "failed"], catch_exceptions=False)
    assert result.exit_code == 0
    lines = result.output.strip().splitlines()
    assert lines[-1] == "2 failed message(s)."
    reference = applications[0].reference
    for m, line in zip(messages, lines[:2], strict=True):
        assert line.startswith(f"{m.id}\t{m.kind}\t{reference}\tbranch ")
        assert f"attempts {MAX_ATTEMPTS}" in line and "451 4.3.0 Greylisted" in line
    assert "to brussels@duoforajob.be" in lines[1]  # a notification goes to a branch inbox
    assert "to (applicant)" in lines[0]
    # Neither the listing nor the log names the applicant.
    log = service_log(caplog)
    mentee = VALID["mentee"]
    for secret in (mentee["email"], mentee["first_name"], mentee["last_name"], "06 12"):
        assert secret not in result.output and secret not in log
    for m in messages:
        assert re.search(
            rf"outbox message {m.id} \({m.kind}, application \d+\) failed for good after "
            rf"{MAX_ATTEMPTS} attempt\(s\): retries exhausted", log
        )


def test_outbox_failed_says_so_when_nothing_failed(app) -> None:
    result = app.test_cli_runner().invoke(args=["outbox", "failed"], catch_exceptions=False)
    assert result.output.strip() == "No failed messages."


# --- The database unavailable or locked -------------------------------------------------------

UNAVAILABLE = {
    "fr": "Veuillez réessayer dans quelques minutes",
    "nl": "Probeer het over enkele minuten opnieuw",
    "en": "Please try again in a few minutes",
}
KEPT = {
    "fr": "Vos réponses sont toujours là",
    "nl": "Je antwoorden staan er nog",
    "en": "Your answers are still here",
}


def assert_unavailable_page_keeps_input(response, lang: str, token: str, **typed: str) -> None:
    assert response.status_code == 503
    assert response.headers["Retry-After"].isdigit()
    page = response.text
    assert f'<html lang="{lang}">' in page
    assert UNAVAILABLE[lang] in page and KEPT[lang] in page
    for value in typed.values():
        assert f'value="{value}"' in page
    assert dict(HIDDEN.findall(page))["submission_token"] == token


def test_a_locked_sqlite_database_answers_503_in_dutch_with_the_input_kept(
    tmp_path: Path, apps: list
) -> None:
    path = tmp_path / "forms.sqlite3"
    app = make_app(f"sqlite:///{path}?timeout=0.2")  # a short busy timeout
    apps.append(app)
    actions = ApplicationActions(app.test_client())
    hidden = actions.open("mentor", "nl")

    locker = sqlite3.connect(path, isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        start = time.monotonic()
        response = actions.submit("mentor", "nl", hidden=hidden, first_name="Griet")
        assert time.monotonic() - start < 5
        assert_unavailable_page_keeps_input(
            response, "nl", hidden["submission_token"], first_name="Griet",
            email=VALID["mentor"]["email"], postcode=VALID["mentor"]["postcode"],
        )
        assert re.search(r'<input[^>]*id="consent"[^>]*checked', response.text)
    finally:
        locker.execute("ROLLBACK")
        locker.close()
    assert stored(app) == ([], [])

    # Sent again from the 503 page once the lock is gone: stored once, with both messages.
    again = dict(HIDDEN.findall(response.text))
    assert actions.submit("mentor", "nl", hidden=again, first_name="Griet").status_code == 303
    assert actions.submit("mentor", "nl", hidden=again, first_name="Griet").status_code == 303
    applications, messages = stored(app)
    assert [a.answers["first_name"] for a in applications] == ["Griet"]
    assert len(messages) == 2


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_postgresql_down_answers_503_in_the_visitors_language_and_nothing_is_lost(
    postgres_url: str, apps: list, lang: str
) -> None:
    from sqlalchemy import create_engine, text

    with create_engine(postgres_url).begin() as conn:
        conn.execute(text("TRUNCATE outbox_message, application RESTART IDENTITY CASCADE"))
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/postgres"
    down = make_app(closed)
    up = make_app(postgres_url)
    apps.extend([down, up])
    client = down.test_client()
    actions = ApplicationActions(client)
    hidden = actions.open("volunteer", lang)
    response = actions.submit("volunteer", lang, hidden=hidden, last_name="Janssens")
    assert_unavailable_page_keeps_input(
        response, lang, hidden["submission_token"], last_name="Janssens",
        email=VALID["volunteer"]["email"],
    )
    # A page without a form (a thank-you page) says the same in the visitor's language.
    thanks = client.get(f"/{lang}/apply/volunteer/thanks/DUO-ACDEFG/")
    assert thanks.status_code == 503 and UNAVAILABLE[lang] in thanks.text
    assert f'<html lang="{lang}">' in thanks.text

    # The database is back: the same browser (same cookie) sends the kept form again.
    client_up = up.test_client()
    client_up.set_cookie("session", client.get_cookie("session").value)
    again = dict(HIDDEN.findall(response.text))
    sent = ApplicationActions(client_up).submit("volunteer", lang, hidden=again,
                                                last_name="Janssens")
    assert sent.status_code == 303
    applications, messages = stored(up)
    assert [a.answers["last_name"] for a in applications] == ["Janssens"]
    assert len(messages) == 2
