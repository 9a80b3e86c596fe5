"""When to try a message again, and when to give up: pure rules over SMTP outcomes."""

from __future__ import annotations

import math
import smtplib
from datetime import timedelta

# 30 s doubling to 6 h: 16 attempts span about two days, so an SMTP outage over a weekend
# night does not fail every waiting message (8 attempts gave up after about an hour).
MAX_ATTEMPTS = 16
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
# Doublings after which the delay has reached MAX_DELAY; more would only overflow timedelta
# (from about 45 attempts) for the same answer.
DOUBLINGS_TO_MAX = math.ceil(math.log2(MAX_DELAY / BASE_DELAY))


def backoff(attempts: int) -> timedelta:
    """The wait after attempt number `attempts`: 30 s, 1 min, 2 min, 4 min … capped at 6 h."""
    doublings = min(max(attempts - 1, 0), DOUBLINGS_TO_MAX)
    return min(BASE_DELAY * 2**doublings, MAX_DELAY)


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
