"""The outbox sender against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from apply_support import VALID, ApplicationActions, make_app, stored
from localservers import SmtpInbox, SmtpServer

pytestmark = pytest.mark.integration


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """One server per test here (tests stop and restart it), not conftest's per module."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mail_app(database_url: str, smtp: SmtpServer):
    app = make_app(
        database_url,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp.port,
        MAIL_DEFAULT_SENDER="DUO for a JOB <forms@example.org>",
        MAIL_TIMEOUT=2.0,
    )
    yield app
    app.extensions["forms_service.engine"].dispose()


def run_send(app) -> str:
    result = app.test_cli_runner().invoke(args=["outbox", "send"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_sender_delivers_both_messages_with_the_right_headers(mail_app, smtp: SmtpServer) -> None:
    ApplicationActions(mail_app.test_client()).submit(
        "partner", "fr", organisation="<b>Evil & Co</b>", message="<script>x</script>"
    )
    output = run_send(mail_app)
    assert "sent: 2" in output

    confirmation, notification = smtp.inbox.messages
    reference = stored(mail_app)[0][0].reference
    assert confirmation["To"] == VALID["partner"]["email"]
    # A question sent in reply to the confirmation reaches the branch's inbox.
    assert confirmation["Reply-To"] == "brussels@duoforajob.be"
    assert confirmation["Subject"] == f"Votre message à DUO for a JOB ({reference})"
    assert notification["To"] == "brussels@duoforajob.be"
    assert notification["Reply-To"] == VALID["partner"]["email"]
    assert reference in notification["Subject"]
    for message in (confirmation, notification):
        assert message["From"] == "DUO for a JOB <forms@example.org>"
        assert message.is_multipart()
        types = [part.get_content_type() for part in message.walk()]
        assert "text/plain" in types and "text/html" in types
    html_part = notification.get_body(("html",)).get_content()
    assert "&lt;script&gt;x&lt;/script&gt;" in html_part and "<script>" not in html_part
    # Liège writes French: the notification is in the branch's language.
    assert "Un nouveau message d'un partenaire pour l'antenne de Liège" in (
        notification.get_body(("plain",)).get_content()
    )
    assert all(m.status == "sent" and m.sent_at for m in stored(mail_app)[1])


def test_a_down_server_delays_the_message_and_it_is_delivered_once_later(
    mail_app, smtp: SmtpServer
) -> None:
    ApplicationActions(mail_app.test_client()).submit("mentee", "en")
    smtp.stop()
    before = datetime.now(UTC)
    assert "retry: 2" in run_send(mail_app)
    messages = stored(mail_app)[1]
    for m in messages:
        assert m.status == "pending" and m.attempts == 1 and m.last_error
        due = m.next_attempt_at
        due = due if due.tzinfo else due.replace(tzinfo=UTC)  # SQLite drops the zone
        assert due > before

    # Not due yet: nothing is tried, even with the server back.
    smtp.start()
    assert "sent: 0" in run_send(mail_app)
    assert smtp.inbox.messages == []

    from forms_service.mail.outbox import send_pending

    with mail_app.app_context():
        counts = send_pending(now=datetime.now(UTC) + timedelta(minutes=5))
    assert counts["sent"] == 2
    assert "sent: 0" in run_send(mail_app)
    assert len(smtp.inbox.messages) == 2
    assert [m.status for m in stored(mail_app)[1]] == ["sent", "sent"]


def test_without_smtp_messages_wait_in_the_outbox_and_logs_hold_no_personal_data(
    app, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    ApplicationActions(app.test_client()).submit("mentor", "nl")
    output = run_send(app)
    assert "waiting: 2" in output
    assert [m.status for m in stored(app)[1]] == ["pending", "pending"]
    log = caplog.text
    assert "(confirmation) waiting" in log and "(notification) waiting" in log
    for secret in ("marie@example.org", "Marie-Claire", "Dubois", "470123456", "0470"):
        assert secret not in log


class RefusingMailer:
    """A mail server that always refuses, to see the sender give up."""

    def send(self, message) -> None:
        raise ConnectionRefusedError("refused")

    def close(self) -> None:
        pass


def test_a_long_paragraph_without_line_breaks_still_reaches_the_branch(
    mail_app, smtp: SmtpServer
) -> None:
    """SMTP refuses lines over 998 characters (aiosmtpd answers 500): bodies are wrapped."""
    paragraph = " ".join(["Nous orientons des jeunes vers le programme."] * 60)  # 2,700 chars
    assert len(paragraph) > 998 and "\n" not in paragraph
    ApplicationActions(mail_app.test_client()).submit("partner", "fr", message=paragraph)
    assert "sent: 2" in run_send(mail_app)
    notification = next(m for m in smtp.inbox.messages if m["To"] == "brussels@duoforajob.be")
    text = notification.get_body(("plain",)).get_content()
    html = notification.get_body(("html",)).get_content()
    assert paragraph in text
    assert paragraph in html


def test_the_worker_drains_a_backlog_larger_than_one_pass(app) -> None:
    """A burst of applications goes out in one go, not one pass per interval."""
    from fakes import FakeMailer

    from forms_service.mail.outbox import PASS_LIMIT, drain

    actions = ApplicationActions(app.test_client())
    for n in range(PASS_LIMIT // 2 + 5):  # two messages each: more than one pass
        actions.submit("volunteer", "en", email=f"volunteer{n}@example.org")
    mailer = FakeMailer()
    with app.app_context():
        assert drain(mailer) == 2 * (PASS_LIMIT // 2 + 5)
    assert all(m.status == "sent" for m in stored(app)[1])


def test_one_smtp_session_carries_every_message_of_a_pass(mail_app, smtp: SmtpServer) -> None:
    actions = ApplicationActions(mail_app.test_client())
    for kind in ("mentor", "partner", "volunteer"):
        actions.submit(kind, "nl")
    assert "sent: 6" in run_send(mail_app)
    assert len(smtp.inbox.messages) == 6
    assert len(set(smtp.inbox.peers)) == 1


def test_a_message_is_marked_failed_after_the_last_attempt(app) -> None:
    from fakes import FakeMailer

    from forms_service.mail.outbox import send_pending
    from forms_service.mail.policy import MAX_ATTEMPTS

    ApplicationActions(app.test_client()).submit("volunteer", "fr")
    moment = datetime.now(UTC)
    with app.app_context():
        for _ in range(MAX_ATTEMPTS):
            send_pending(RefusingMailer(), now=moment)
            moment += timedelta(days=1)
        fake = FakeMailer()
        assert send_pending(fake, now=moment)["sent"] == 0
    assert fake.sent == []
    for m in stored(app)[1]:
        assert (m.status, m.attempts) == ("failed", MAX_ATTEMPTS)
        assert m.last_error == "ConnectionRefusedError: refused"


def test_the_fake_mailer_receives_the_rendered_messages(app) -> None:
    from fakes import FakeMailer

    from forms_service.mail.outbox import send_pending

    ApplicationActions(app.test_client()).submit("mentee", "nl", country="NL", postcode="3011 AB",
                                                 phone="06 12345678")
    fake = FakeMailer()
    with app.app_context():
        assert send_pending(fake)["sent"] == 2
    confirmation, notification = fake.sent
    assert confirmation.recipients == [VALID["mentee"]["email"]]
    assert "Ze gaat naar de afdeling Rotterdam." in confirmation.body
    assert notification.reply_to == VALID["mentee"]["email"]
    assert "<table>" in notification.html


# -- Several senders at once ---------------------------------------------------------------


class SlowInbox(SmtpInbox):
    """Takes a moment over each message, as a real server does, so two senders overlap."""

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import asyncio

        await asyncio.sleep(0.02)
        return await super().handle_DATA(server, session, envelope)


def test_two_senders_at_once_deliver_every_message_exactly_once(database_url: str) -> None:
    """The audit's case: an `outbox send` run beside the worker delivered every message
    twice on SQLite. Two real `flask outbox send` processes, one SMTP server."""
    import os
    import subprocess
    from collections import Counter
    from pathlib import Path

    from localservers import HOST

    project = Path(__file__).resolve().parents[2]
    app = make_app(database_url)
    for n in range(30):
        assert ApplicationActions(app.test_client()).submit(
            "volunteer", "en", email=f"sender{n}@example.org"
        ).status_code == 303
    app.extensions["forms_service.engine"].dispose()

    server = SmtpServer(SlowInbox())
    inbox = server.inbox
    server.start()
    env = {**os.environ, "FLASK_DATABASE_URL": database_url, "FLASK_MAIL_SERVER": HOST,
           "FLASK_MAIL_PORT": str(server.port), "FLASK_SECRET_KEY": "two-senders",
           "FLASK_SITE_DIR": "/nonexistent"}
    command = [str(project / ".venv" / "bin" / "flask"), "--app", "forms_service", "outbox",
               "send"]
    try:
        senders = [subprocess.Popen(command, cwd=project, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT, text=True) for _ in range(2)]
        outputs = [sender.communicate(timeout=120)[0] for sender in senders]
    finally:
        server.stop()
    assert [s.returncode for s in senders] == [0, 0], outputs
    ids = Counter(m["Message-ID"] for m in inbox.messages)
    assert len(ids) == 60 and set(ids.values()) == {1}, ids.most_common(3)
    sent = [int(out.rsplit("sent: ", 1)[1].split(",")[0]) for out in outputs]
    assert sum(sent) == 60
    checker = make_app(database_url)
    try:
        assert {(m.status, m.claimed_by) for m in stored(checker)[1]} == {("sent", None)}
    finally:
        checker.extensions["forms_service.engine"].dispose()


def test_messages_claimed_by_a_sender_that_died_go_out_once_its_claim_lapses(app) -> None:
    from fakes import FakeMailer

    from forms_service.extensions import db
    from forms_service.mail.outbox import CLAIM_LEASE, _claim, send_pending

    ApplicationActions(app.test_client()).submit("partner", "fr")
    moment = datetime.now(UTC)
    with app.app_context():
        with db.new_session() as session:
            assert len(_claim(session, moment, 20, "died-mid-batch")) == 2
            session.commit()  # and then the sender died, before sending
        fake = FakeMailer()
        assert send_pending(fake, now=moment + timedelta(minutes=1))["sent"] == 0
        assert send_pending(fake, now=moment + CLAIM_LEASE + timedelta(seconds=1))["sent"] == 2
        assert send_pending(fake, now=moment + 2 * CLAIM_LEASE)["sent"] == 0
    assert len(fake.sent) == 2
    assert [(m.status, m.claimed_by) for m in stored(app)[1]] == [("sent", None)] * 2
