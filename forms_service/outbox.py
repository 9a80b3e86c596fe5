"""Delivers the outbox in small batches over one SMTP session, retried with exponential backoff.

Logs carry message ids and kinds only, never an address, a name or a phone number.
"""

from __future__ import annotations

import logging
import os
import smtplib
import time
from datetime import UTC, datetime, timedelta
from email.charset import QP, Charset
from email.mime.text import MIMEText
from email.utils import parseaddr
from typing import Protocol

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_mail import Connection, Message
from sqlalchemy import select
from sqlalchemy.orm import Session

from forms_service.extensions import db
from forms_service.models import OutboxMessage

log = logging.getLogger(__name__)

# 30 s doubling to 6 h: 16 attempts span about two days, so an SMTP outage over a weekend
# night does not fail every waiting message (8 attempts gave up after about an hour).
MAX_ATTEMPTS = 16
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...

    def close(self) -> None: ...


class SmtpMailer:
    """Flask-Mail over SMTP, with a socket timeout so a stuck server cannot hang the sender.

    One SMTP session serves a whole pass (a new session per message was most of the cost);
    after any error the session is dropped and the next message opens a fresh one.
    """

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._connection: _TimeoutConnection | None = None

    def send(self, message: Message) -> None:
        if self._connection is None:
            connection = _TimeoutConnection(current_app.extensions["mail"], self.timeout)
            self._connection = connection.__enter__()
        try:
            self._connection.send(message)
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            connection.__exit__(None, None, None)


class _TimeoutConnection(Connection):
    def __init__(self, state, timeout: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__(state)
        self.timeout = timeout

    def __exit__(self, exc_type, exc_value, tb) -> None:  # type: ignore[no-untyped-def]
        """Close without letting QUIT decide the outcome: once DATA was accepted, the message
        is sent even if QUIT fails, and it must not be sent again."""
        if self.host is not None:
            try:
                self.host.quit()
            except (smtplib.SMTPException, OSError):
                self.host.close()

    def configure_host(self) -> smtplib.SMTP:
        m = self.mail
        smtp_class = smtplib.SMTP_SSL if m.use_ssl else smtplib.SMTP
        host = smtp_class(m.server, m.port, timeout=self.timeout)
        if m.use_tls:
            host.starttls()
        if m.username and m.password:
            host.login(m.username, m.password)
        return host


class FakeMailer:
    """Keeps what it was asked to send, for tests that need no server."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def close(self) -> None:
        pass


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at 6 hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


class OutboxMail(Message):
    """Flask-Mail's message with quoted-printable bodies. Flask-Mail sends UTF-8 as 8-bit,
    unwrapped, and SMTP refuses lines over 998 characters: a long paragraph typed without a
    line break would fail the notification for good."""

    def _mimetext(self, text: str | None, subtype: str = "plain") -> MIMEText:
        encoding = Charset(self.charset or "utf-8")
        encoding.body_encoding = QP
        return MIMEText(text or "", _subtype=subtype, _charset=encoding)  # type: ignore[arg-type]


def to_mail(row: OutboxMessage, sender: str) -> Message:
    message = OutboxMail(
        subject=row.subject,
        recipients=[row.recipient],
        reply_to=row.reply_to,
        body=row.body_text,
        html=row.body_html,
        sender=sender,
    )
    # The same Message-ID on every attempt: a receiver can tell a retry from a new message.
    message.msgId = message_id(row, sender)
    return message


def message_id(row: OutboxMessage, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    created = row.created_at.strftime("%Y%m%d%H%M%S") if row.created_at else "0"
    return f"<outbox-{row.id}.{created}@{domain}>"


def is_permanent(exc: Exception) -> bool:
    """A 5xx answer (every recipient refused, sender or data refused) will not change."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def describe(exc: Exception) -> str:
    """The error for staff: SMTP code and text, or the exception; never the message itself."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = "; ".join(
            f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
            for code, text in exc.recipients.values()
        )
        return f"SMTPRecipientsRefused: {answers}"[:1000]
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error
        text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
        return f"{type(exc).__name__}: {exc.smtp_code} {text}"[:1000]
    if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
        # smtplib turns a read timeout into SMTPServerDisconnected("… timed out").
        return f"{type(exc).__name__}: timeout, the SMTP server did not answer ({exc})"[:1000]
    return f"{type(exc).__name__}: {exc}"[:1000]


def mail_configured(app: Flask) -> bool:
    return bool(app.config.get("MAIL_SERVER"))


# Messages claimed, sent and marked in one transaction. A crash mid-batch can send up to
# this many twice (SMTP is at-least-once anyway; the stable Message-ID lets receivers tell);
# in exchange a pass needs a twentieth of the commits and, on PostgreSQL, round trips.
BATCH = 20
# Messages one pass of the worker handles before it checks whether to sleep.
PASS_LIMIT = 100


def _claim(session: Session, now: datetime, size: int) -> list[OutboxMessage]:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Several senders may run at once: each takes rows nobody else holds.
        query = query.with_for_update(skip_locked=True)
    return list(session.scalars(query))


def send_pending(
    mailer: Mailer | None = None, limit: int = 100, now: datetime | None = None
) -> dict[str, int]:
    """Drain due messages once; returns counts of sent, retried, failed and waiting.

    `now` lets a caller (the tests) ask what happens once the backoff delay has passed.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    counts = {"sent": 0, "retry": 0, "failed": 0, "waiting": 0}
    if mailer is None and not mail_configured(app):
        return _log_waiting(counts)
    mailer = mailer or SmtpMailer(app.config["MAIL_TIMEOUT"])
    sender = app.config["MAIL_DEFAULT_SENDER"]
    try:
        _send_due(mailer, sender, counts, limit, now)
    finally:
        mailer.close()
    return counts


def _send_due(
    mailer: Mailer, sender: str, counts: dict[str, int], limit: int, now: datetime | None
) -> None:
    remaining = limit
    while remaining > 0:
        with db.new_session() as session, session.begin():
            moment = now or datetime.now(UTC)
            rows = _claim(session, moment, min(BATCH, remaining))
            if not rows:
                return
            remaining -= len(rows)
            for row in rows:
                _deliver(mailer, row, sender, moment, counts)


def _deliver(
    mailer: Mailer, row: OutboxMessage, sender: str, moment: datetime, counts: dict[str, int]
) -> None:
    """One attempt at one message; its outcome is written on the row."""
    row.attempts += 1
    try:
        mailer.send(to_mail(row, sender))
    except Exception as exc:  # any failure: keep the message and try later
        row.last_error = describe(exc)
        permanent = is_permanent(exc)
        if permanent or row.attempts >= MAX_ATTEMPTS:
            row.status = "failed"
            counts["failed"] += 1
            log.error(
                "outbox message %s (%s, application %s) failed for good after %s "
                "attempt(s): %s; see `flask outbox failed`",
                row.id, row.kind, row.application_id, row.attempts,
                "refused by the server (5xx)" if permanent else "retries exhausted",
            )
        else:
            row.next_attempt_at = moment + backoff(row.attempts)
            counts["retry"] += 1
            log.warning(
                "outbox message %s (%s) not sent (%s); retry %s",
                row.id, row.kind, type(exc).__name__, row.attempts,
            )
    else:
        row.status = "sent"
        row.sent_at = moment
        row.last_error = None
        counts["sent"] += 1
        log.info("outbox message %s (%s) sent", row.id, row.kind)


def drain(mailer: Mailer | None = None) -> int:
    """Pass after pass until one finds fewer than PASS_LIMIT due messages: a backlog goes out
    at once rather than a pass per interval. Returns how many were sent."""
    sent = 0
    while True:
        counts = send_pending(mailer, limit=PASS_LIMIT)
        sent += counts["sent"]
        if counts["sent"] + counts["retry"] + counts["failed"] < PASS_LIMIT:
            return sent


def _log_waiting(counts: dict[str, int]) -> dict[str, int]:
    with db.new_session() as session:
        rows = session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending")
            .order_by(OutboxMessage.id)
        ).all()
        for row in rows:
            log.info(
                "outbox message %s (%s) waiting: no FLASK_MAIL_SERVER configured", row.id, row.kind
            )
        counts["waiting"] = len(rows)
    return counts


def failed_messages(session: Session) -> list[dict[str, object]]:
    """What staff need to act on a failure: no body, and no applicant address or name.

    The recipient is shown only for notifications (a branch inbox); a confirmation's recipient
    is the applicant, whom staff find through the application's reference.
    """
    from forms_service.models import Application

    rows = session.execute(
        select(OutboxMessage, Application.reference, Application.branch_id)
        .outerjoin(Application, Application.id == OutboxMessage.application_id)
        .where(OutboxMessage.status == "failed")
        .order_by(OutboxMessage.id)
    ).all()
    return [
        {
            "id": m.id,
            "kind": m.kind,
            "reference": reference or "-",
            "branch": branch or "-",
            "to": m.recipient if m.kind == "notification" else "(applicant)",
            "attempts": m.attempts,
            "created": m.created_at.strftime("%Y-%m-%d %H:%M") if m.created_at else "-",
            "last_error": (m.last_error or "").replace("\n", " "),
        }
        for m, reference, branch in rows
    ]


def init_app(app: Flask) -> None:
    app.cli.add_command(outbox_cli)


@click.group("outbox", cls=AppGroup)
def outbox_cli() -> None:
    """Outgoing e-mail."""


@outbox_cli.command("send")
def send_command() -> None:
    """Deliver the due messages once."""
    counts = send_pending()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@outbox_cli.command("failed")
def failed_command() -> None:
    """List the messages that will not be delivered, for staff to follow up."""
    with db.new_session() as session:
        rows = failed_messages(session)
    if not rows:
        click.echo("No failed messages.")
        return
    for r in rows:
        click.echo(
            f"{r['id']}\t{r['kind']}\t{r['reference']}\tbranch {r['branch']}\tto {r['to']}\t"
            f"attempts {r['attempts']}\tcreated {r['created']}\t{r['last_error']}"
        )
    click.echo(f"{len(rows)} failed message(s).")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True)
def retry_command(ids: tuple[int, ...]) -> None:
    """Queue failed messages again (after fixing an address or the SMTP settings)."""
    with db.new_session() as session, session.begin():
        rows = session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.id.in_(ids), OutboxMessage.status == "failed"
            )
        ).all()
        for row in rows:
            row.status, row.attempts, row.next_attempt_at = "pending", 0, datetime.now(UTC)
    click.echo(f"{len(rows)} message(s) queued again.")


@outbox_cli.command("worker")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
@click.option(
    "--nice", "niceness", default=10, show_default=True,
    help="CPU priority below the web workers': e-mail can wait a moment, visitors cannot.",
)
def worker_command(interval: float, niceness: int) -> None:
    """Keep delivering until stopped."""
    if niceness:
        os.nice(niceness)
    log.info("outbox worker started (every %s s)", interval)
    waiting_logged: set[int] = set()
    while True:
        try:
            if mail_configured(current_app):
                drain()
            else:
                # Without SMTP, say once per message that it waits; nothing is lost.
                with db.new_session() as session:
                    ids = session.scalars(
                        select(OutboxMessage.id).where(OutboxMessage.status == "pending")
                    ).all()
                    kinds = dict(
                        session.execute(
                            select(OutboxMessage.id, OutboxMessage.kind).where(
                                OutboxMessage.id.in_([i for i in ids if i not in waiting_logged])
                            )
                        ).all()
                    )
                for message_id, kind in sorted(kinds.items()):
                    log.info(
                        "outbox message %s (%s) waiting: no FLASK_MAIL_SERVER configured",
                        message_id, kind,
                    )
                    waiting_logged.add(message_id)
        except Exception:  # the database may be restarting: log and keep going
            log.exception("outbox pass failed")
        time.sleep(interval)
