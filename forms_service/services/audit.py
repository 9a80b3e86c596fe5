"""The audit log: who viewed, exported, changed or erased which application, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from forms_service.models import AuditEntry

ACTIONS = ("view", "export", "change", "erase", "account")


def record(
    session: Session, actor: str, action: str, now: datetime,
    application_id: int | None = None, subject: str | None = None,
) -> None:
    """Add an entry in the caller's transaction. `subject` never holds an applicant's answers."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(AuditEntry(
        actor=actor, action=action, at=now, application_id=application_id,
        subject=(subject or "")[:255] or None,
    ))


def entries(session: Session, limit: int = 200, before_id: int | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if before_id:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))


def purge(session: Session, cutoff: datetime) -> int:
    """Entries older than the applications' retention go too."""
    return session.execute(delete(AuditEntry).where(AuditEntry.at < cutoff)).rowcount or 0
