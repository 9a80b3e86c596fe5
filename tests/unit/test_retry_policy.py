"""The outbox's retry policy: the back-off schedule, when it gives up, and what staff read."""

from __future__ import annotations

import re
import smtplib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from forms_service.mail.outbox import _deliver
from forms_service.mail.policy import (
    BASE_DELAY,
    MAX_ATTEMPTS,
    MAX_DELAY,
    backoff,
    describe,
    is_permanent,
)
from forms_service.models import OutboxMessage

README = Path(__file__).resolve().parents[2] / "README.md"
NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4}

# The wait after each failed attempt, in seconds: 30 s doubling, then 6 h.
SCHEDULE = [30, 60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 21600, 21600, 21600, 21600,
            21600]


def test_the_wait_doubles_from_30_seconds_and_stops_at_6_hours() -> None:
    waits = [backoff(attempt).total_seconds() for attempt in range(1, len(SCHEDULE) + 1)]
    assert waits == SCHEDULE


def test_a_message_never_tried_waits_the_first_delay() -> None:
    assert backoff(0) == timedelta(seconds=30)


@pytest.mark.parametrize("attempts", [16, 45, 100, 10**6])
def test_any_number_of_attempts_waits_6_hours_at_most(attempts: int) -> None:
    assert backoff(attempts) == timedelta(hours=6)


class Refusing:
    """An SMTP server that is down: every send fails the same way."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def send(self, message: object) -> None:
        raise self.error

    def close(self) -> None:
        pass


def waiting_message() -> OutboxMessage:
    return OutboxMessage(
        kind="confirmation", recipient="amina@example.org", subject="DUO-ACDEFG",
        body_text="Merci", body_html="<p>Merci</p>", status="pending", attempts=0,
    )


def test_a_message_that_keeps_failing_follows_the_schedule_then_is_given_up() -> None:
    row = waiting_message()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    moment = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)
    waits = []
    while row.status == "pending":
        _deliver(Refusing(ConnectionRefusedError("refused")), row, "x@example.org", moment,
                 counts)
        if row.status == "pending":
            waits.append((row.next_attempt_at - moment).total_seconds())
            moment = row.next_attempt_at
    assert waits == SCHEDULE  # 15 waits between 16 attempts
    assert (row.status, row.attempts) == ("failed", 16)
    assert counts == {"sent": 0, "retry": 15, "failed": 1}
    assert row.last_error == "ConnectionRefusedError: refused"


def test_a_refusal_for_good_is_not_tried_again() -> None:
    row = waiting_message()
    counts = {"sent": 0, "retry": 0, "failed": 0}
    error = smtplib.SMTPRecipientsRefused({"amina@example.org": (550, b"5.1.1 no such user")})
    _deliver(Refusing(error), row, "x@example.org", datetime.now(UTC), counts)
    assert (row.status, row.attempts, counts["failed"]) == ("failed", 1, 1)


def test_the_readme_promises_the_schedule_the_code_follows() -> None:
    text = " ".join(README.read_text().split())
    email = re.search(
        r"doubling back-off \((\d+) s up to (\d+) h\).*?marks a message `failed` after "
        r"(\d+) attempts \(about (\w+) days\)", text,
    )
    failures = re.search(r"\((\d+) s doubling to (\d+) h, (\d+) attempts, about (\w+) days\)",
                         text)
    assert email and failures, "the README no longer states the retry schedule"
    total = sum((backoff(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
    days = round(total / timedelta(days=1))
    for base, cap, attempts, about in (email.groups(), failures.groups()):
        assert timedelta(seconds=int(base)) == BASE_DELAY == backoff(1)
        assert timedelta(hours=int(cap)) == MAX_DELAY == backoff(MAX_ATTEMPTS)
        assert int(attempts) == MAX_ATTEMPTS
        assert NUMBERS[about] == days


@pytest.mark.parametrize(
    "error, permanent",
    [
        (smtplib.SMTPDataError(550, b"5.7.1 refused"), True),
        (smtplib.SMTPSenderRefused(553, b"5.1.8 bad sender", "x@example.org"), True),
        (smtplib.SMTPResponseException(500, b"syntax"), True),
        (smtplib.SMTPResponseException(599, b"last 5xx"), True),
        (smtplib.SMTPResponseException(499, b"not 5xx"), False),
        (smtplib.SMTPResponseException(600, b"no such class"), False),
        (smtplib.SMTPDataError(451, b"4.3.0 greylisted"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"),
                                        "b@example.org": (551, b"no")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no"),
                                        "b@example.org": (450, b"busy")}), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (500, b"no")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (499, b"no")}), False),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (600, b"no")}), False),
        (smtplib.SMTPRecipientsRefused({}), False),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), False),
        (ConnectionRefusedError("refused"), False),
        (TimeoutError("timed out"), False),
    ],
)
def test_only_a_5xx_answer_is_a_refusal_for_good(error: Exception, permanent: bool) -> None:
    assert is_permanent(error) is permanent


def disconnected_by_timeout() -> smtplib.SMTPServerDisconnected:
    """What smtplib raises when the server does not answer in time (raised while handling
    the socket's timeout, which becomes its context)."""
    exc = smtplib.SMTPServerDisconnected("Connection unexpectedly closed: timed out")
    exc.__context__ = TimeoutError("timed out")
    return exc


@pytest.mark.parametrize(
    "error, text",
    [
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"5.1.1 no such user"),
                                        "b@example.org": (450, "4.2.0 busy")}),
         "SMTPRecipientsRefused: 550 5.1.1 no such user; 450 4.2.0 busy"),
        (smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"\xff unknown")}),
         "SMTPRecipientsRefused: 550 \ufffd unknown"),
        (smtplib.SMTPDataError(451, b"4.3.0 Greylisted"), "SMTPDataError: 451 4.3.0 Greylisted"),
        (smtplib.SMTPResponseException(554, "refused"), "SMTPResponseException: 554 refused"),
        (smtplib.SMTPDataError(550, b"\xff bad bytes"), "SMTPDataError: 550 \ufffd bad bytes"),
        (TimeoutError("timed out"),
         "TimeoutError: timeout, the SMTP server did not answer (timed out)"),
        (disconnected_by_timeout(),
         "SMTPServerDisconnected: timeout, the SMTP server did not answer "
         "(Connection unexpectedly closed: timed out)"),
        (smtplib.SMTPServerDisconnected("closed"), "SMTPServerDisconnected: closed"),
        (ConnectionRefusedError("refused"), "ConnectionRefusedError: refused"),
    ],
)
def test_staff_read_the_smtp_answer_or_the_error(error: Exception, text: str) -> None:
    assert describe(error) == text


@pytest.mark.parametrize(
    "error",
    [
        smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"x" * 2000)}),
        smtplib.SMTPDataError(550, b"x" * 2000),
        TimeoutError("x" * 2000),
        ConnectionRefusedError("x" * 2000),
    ],
)
def test_what_staff_read_is_at_most_1000_characters(error: Exception) -> None:
    text = describe(error)
    assert len(text) == 1000
    assert text.endswith("xxxx")
