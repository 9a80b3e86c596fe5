"""The outbox: messages written in the same transaction as what caused them, delivered
later in small batches over one SMTP session, retried with exponential back-off.

Logs carry message ids and kinds only, never an address, a name or a phone number.
"""

from __future__ import annotations

import logging
import time
import uuid
from datetime import UTC, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from forms_service.extensions import db
from forms_service.mail.policy import MAX_ATTEMPTS, backoff, describe, is_permanent
from forms_service.mail.transport import Mailer, SmtpMailer, mail_configured, to_mail
from forms_service.models import Application, OutboxMessage

log = logging.getLogger(__name__)


# Messages claimed in one transaction, then sent with no transaction open, then marked in a
# second one. A crash after sending and before marking sends up to this many twice, once
# their claim has lapsed (SMTP is at-least-once anyway; the stable Message-ID lets receivers
# tell); in exchange a pass needs a tenth of the commits.
BATCH = 20
# Messages one pass of the worker handles before it checks whether to sleep.
PASS_LIMIT = 100
# How long a claim holds: a sender that died (or hangs) with claimed messages gives them back
# after this. Far above a batch's worst case (BATCH messages at MAIL_TIMEOUT each).
CLAIM_LEASE = timedelta(minutes=15)
# Due: pending messages whose time has come, and claimed ones whose claim has lapsed.
CLAIMABLE = ("pending", "sending")


def _claim(session: Session, now: datetime, size: int, claimer: str) -> list[OutboxMessage]:
    """Mark up to `size` due messages as this sender's, in one UPDATE: two senders never
    take the same message, on SQLite (the UPDATE holds the write lock while it picks the
    rows) as on PostgreSQL (SKIP LOCKED passes over rows another sender is claiming)."""
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status.in_(CLAIMABLE), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(size)
    )
    if session.get_bind().dialect.name == "postgresql":
        due = due.with_for_update(skip_locked=True)
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id.in_(due.scalar_subquery()),
            OutboxMessage.status.in_(CLAIMABLE),
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status="sending", claimed_by=claimer, next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False)
    )
    claimed = select(OutboxMessage).where(
        OutboxMessage.claimed_by == claimer, OutboxMessage.status == "sending"
    )
    return list(
        session.scalars(
            claimed.order_by(OutboxMessage.id).execution_options(populate_existing=True)
        )
    )


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
    mailer: Mailer, sender: str, counts: dict[str, int], limit: int,
    now: datetime | None,
) -> None:
    """Claim a batch (commit), send it with no lock held, mark the outcomes (commit)."""
    claimer = uuid.uuid4().hex
    remaining = limit
    with db.new_session() as session:
        while remaining > 0:
            moment = now or datetime.now(UTC)
            rows = _claim(session, moment, min(BATCH, remaining), claimer)
            session.commit()
            if not rows:
                return
            remaining -= len(rows)
            for row in rows:
                _deliver(mailer, row, sender, moment, counts)
                row.claimed_by = None
            session.commit()  # the outcomes written on the rows


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
            row.status = "pending"
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


def requeue(session: Session, ids: list[int], now: datetime) -> int:
    """Queue failed messages again (after fixing an address or the SMTP settings)."""
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.status == "failed")
    ).all()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at = "pending", 0, now
        row.claimed_by = None
    return len(rows)


def log_new_waiting(already_logged: set[int]) -> None:
    """Without SMTP, say once per message that it waits; nothing is lost."""
    with db.new_session() as session:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.kind)
            .where(OutboxMessage.status == "pending")
            .order_by(OutboxMessage.id)
        ).all()
    for message_id, kind in rows:
        if message_id in already_logged:
            continue
        log.info(
            "outbox message %s (%s) waiting: no FLASK_MAIL_SERVER configured", message_id, kind
        )
        already_logged.add(message_id)


def run_worker(interval: float) -> None:
    """Keep delivering until stopped; a failed pass (the database restarting) is logged."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    log.info("outbox worker started (every %s s)", interval)
    waiting_logged: set[int] = set()
    while True:
        try:
            if mail_configured(app):
                drain()
            else:
                log_new_waiting(waiting_logged)
        except Exception:
            log.exception("outbox pass failed")
        time.sleep(interval)
