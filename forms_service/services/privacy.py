"""The privacy notice's promises over a database session: purge after the retention period,
export and erase one person's data. The commands in cli.py only print what these return.

An address is found whatever its case and whether its domain is written in Unicode or in
punycode (élodie@exémple.fr, élodie@xn--exmple-cva.fr). Once an erasure or a purge is
committed, SQLite's write-ahead log is emptied into the database file (where secure_delete
has overwritten the deleted rows), so no copy of the erased data stays on disk.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, event, func, or_, select
from sqlalchemy.orm import Session, scoped_session

from forms_service.db import checkpoint
from forms_service.domain.text import address_spellings
from forms_service.models import Application, ApplicationEvent, Booking, OutboxMessage
from forms_service.services import audit
from forms_service.services import sessions as info_sessions


def expired_application_ids(session: Session, cutoff: datetime) -> list[int]:
    return list(
        session.scalars(
            select(Application.id).where(Application.updated_at < cutoff).order_by(Application.id)
        )
    )


def _same_email(column: Any, email: str) -> Any:
    return func.lower(column).in_(sorted(address_spellings(email)))


def _checkpoint_after_commit(session: Session) -> None:
    """Once the deletion is committed (by the caller), empty SQLite's log."""
    if isinstance(session, scoped_session):  # the request's session: this request's one
        session = session()
    engine = session.get_bind()
    event.listen(session, "after_commit", lambda _session: checkpoint(engine), once=True)


def applications_of(session: Session, email: str) -> list[Application]:
    """Every application made with this e-mail address, whatever its case."""
    query = select(Application).where(_same_email(Application.email, email))
    return list(session.scalars(query.order_by(Application.id)))


def messages_of(session: Session, email: str, application_ids: list[int]) -> list[OutboxMessage]:
    """Messages about the person's applications, or addressed to or replying to them."""
    conditions = [
        _same_email(OutboxMessage.recipient, email),
        _same_email(OutboxMessage.reply_to, email),
    ]
    if application_ids:
        conditions.append(OutboxMessage.application_id.in_(application_ids))
    return list(
        session.scalars(select(OutboxMessage).where(or_(*conditions)).order_by(OutboxMessage.id))
    )


def _when(value: datetime | None) -> str | None:
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def application_record(a: Application) -> dict[str, Any]:
    return {
        "reference": a.reference,
        "kind": a.kind,
        "language": a.lang,
        "branch": a.branch_id,
        "email": a.email,
        "answers": a.answers,
        "consent": {"given_at": _when(a.consent_at), "privacy_notice_version": a.privacy_version},
        "status": a.status,
        "created_at": _when(a.created_at),
        "updated_at": _when(a.updated_at),
    }


def message_record(m: OutboxMessage, references: dict[int, str]) -> dict[str, Any]:
    return {
        "id": m.id,
        "application": references.get(m.application_id) if m.application_id else None,
        "kind": m.kind,
        "to": m.recipient,
        "reply_to": m.reply_to,
        "subject": m.subject,
        "body_text": m.body_text,
        "body_html": m.body_html,
        "status": m.status,
        "attempts": m.attempts,
        "last_error": m.last_error,
        "created_at": _when(m.created_at),
        "sent_at": _when(m.sent_at),
    }


def export(session: Session, email: str) -> dict[str, Any]:
    """Everything held about the person with this address (right of access)."""
    applications = applications_of(session, email)
    references = {a.id: a.reference for a in applications}
    messages = messages_of(session, email, list(references))
    return {
        "email": email.strip(),
        "exported_at": _when(datetime.now(UTC)),
        "applications": [application_record(a) for a in applications],
        "history": [event_record(e, references) for e in history_of(session, list(references))],
        "bookings": [booking_record(b) for b in info_sessions.bookings_of_person(session, email)],
        "messages": [message_record(m, references) for m in messages],
    }


def history_of(session: Session, application_ids: list[int]) -> list[ApplicationEvent]:
    if not application_ids:
        return []
    return list(session.scalars(
        select(ApplicationEvent).where(ApplicationEvent.application_id.in_(application_ids))
        .order_by(ApplicationEvent.id)
    ))


def event_record(e: ApplicationEvent, references: dict[int, str]) -> dict[str, Any]:
    return {
        "application": references.get(e.application_id), "at": _when(e.at), "by": e.actor,
        "kind": e.kind, "from": e.from_value, "to": e.to_value, "text": e.text,
    }


def booking_record(b: Booking) -> dict[str, Any]:
    return {
        "session": b.session_id, "status": b.status, "attendance": b.attendance,
        "name": b.name, "email": b.email, "phone": b.phone, "language": b.lang,
        "consent": {"given_at": _when(b.consent_at), "privacy_notice_version": b.privacy_version},
        "created_at": _when(b.created_at),
    }


def delete_applications(session: Session, application_ids: list[int]) -> dict[str, int]:
    """Delete applications and every message about them, in the caller's transaction."""
    if not application_ids:
        return {"applications": 0, "messages": 0}
    messages = session.execute(
        delete(OutboxMessage).where(OutboxMessage.application_id.in_(application_ids))
    ).rowcount
    applications = session.execute(
        delete(Application).where(Application.id.in_(application_ids))
    ).rowcount
    return {"applications": applications, "messages": messages}


def erase(session: Session, email: str) -> dict[str, int]:
    """Delete the person's applications and every message to, from or about them."""
    ids = [a.id for a in applications_of(session, email)]
    stray = [m.id for m in messages_of(session, email, ids) if m.application_id not in ids]
    _checkpoint_after_commit(session)
    counts = delete_applications(session, ids)
    # The history, duplicate links and audit entries about them go with the applications
    # (ON DELETE CASCADE); bookings are the person's too.
    counts["bookings"] = info_sessions.erase_bookings(session, email)
    if stray:
        counts["messages"] += session.execute(
            delete(OutboxMessage).where(OutboxMessage.id.in_(stray))
        ).rowcount
    return counts


def purge(session: Session, cutoff: datetime, dry_run: bool = False) -> dict[str, int]:
    """Delete applications last changed before `cutoff`, with their messages."""
    ids = expired_application_ids(session, cutoff)
    if dry_run:
        about = select(func.count()).where(OutboxMessage.application_id.in_(ids))
        return {"applications": len(ids), "messages": session.scalar(about) or 0 if ids else 0}
    _checkpoint_after_commit(session)
    counts = delete_applications(session, ids)
    counts["bookings"] = info_sessions.purge_bookings(session, cutoff)
    counts["audit"] = audit.purge(session, cutoff)
    return counts
