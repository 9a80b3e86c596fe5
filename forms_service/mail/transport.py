"""Turning an outbox row into an e-mail and handing it to an SMTP server (Flask-Mail)."""

from __future__ import annotations

import smtplib
from email.charset import QP, Charset
from email.mime.text import MIMEText
from email.utils import parseaddr
from typing import Protocol

from flask import Flask, current_app
from flask_mail import Connection, Message

from forms_service.models import OutboxMessage


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
    if row.ics:
        # A calendar invitation: the method in the content type, as calendar programs expect.
        message.attach(
            "invitation.ics", f"text/calendar; method={row.ics_method or 'REQUEST'}",
            row.ics.encode("utf-8"),
        )
    return message


def message_id(row: OutboxMessage, sender: str) -> str:
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    created = row.created_at.strftime("%Y%m%d%H%M%S") if row.created_at else "0"
    return f"<outbox-{row.id}.{created}@{domain}>"


def mail_configured(app: Flask) -> bool:
    return bool(app.config.get("MAIL_SERVER"))
