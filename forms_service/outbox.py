"""Delivers the outbox: one message per transaction, retried with exponential backoff.

Logs carry message ids and kinds only, never an address, a name or a phone number.
"""

from __future__ import annotations

import logging
import smtplib
import time
from datetime import UTC, datetime, timedelta
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

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)


class Mailer(Protocol):
    def send(self, message: Message) -> None: ...


class SmtpMailer:
    """Flask-Mail over SMTP, with a socket timeout so a stuck server cannot hang the sender."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout

    def send(self, message: Message) -> None:
        with _TimeoutConnection(current_app.extensions["mail"], self.timeout) as connection:
            connection.send(message)


class _TimeoutConnection(Connection):
    def __init__(self, state, timeout: float) -> None:  # type: ignore[no-untyped-def]
        super().__init__(state)
        self.timeout = timeout

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


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min … capped at 6 hours."""
    return min(BASE_DELAY * (2 ** max(attempts - 1, 0)), MAX_DELAY)


def to_mail(row: OutboxMessage, sender: str) -> Message:
    return Message(
        subject=row.subject,
        recipients=[row.recipient],
        reply_to=row.reply_to,
        body=row.body_text,
        html=row.body_html,
        sender=sender,
    )


def mail_configured(app: Flask) -> bool:
    return bool(app.config.get("MAIL_SERVER"))


def _claim(session: Session, now: datetime) -> OutboxMessage | None:
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        # Several senders may run at once: each takes a row nobody else holds.
        query = query.with_for_update(skip_locked=True)
    return session.scalar(query)


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
    for _ in range(limit):
        with db.new_session() as session, session.begin():
            moment = now or datetime.now(UTC)
            row = _claim(session, moment)
            if row is None:
                break
            row.attempts += 1
            try:
                mailer.send(to_mail(row, sender))
            except Exception as exc:  # any failure: keep the message and try later
                row.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                if row.attempts >= MAX_ATTEMPTS:
                    row.status = "failed"
                    counts["failed"] += 1
                    log.error("outbox message %s (%s) failed for good", row.id, row.kind)
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
    return counts


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


@outbox_cli.command("worker")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
def worker_command(interval: float) -> None:
    """Keep delivering until stopped."""
    log.info("outbox worker started (every %s s)", interval)
    waiting_logged: set[int] = set()
    while True:
        try:
            if mail_configured(current_app):
                send_pending()
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
