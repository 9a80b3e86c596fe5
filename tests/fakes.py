"""Test doubles that stand in for a real part where a test is about something else."""

from __future__ import annotations

from flask_mail import Message


class FakeMailer:
    """Keeps what it was asked to send (the mail.transport.Mailer interface), for tests that
    need no SMTP server."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    def send(self, message: Message) -> None:
        self.sent.append(message)

    def close(self) -> None:
        pass
