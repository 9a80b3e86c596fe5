"""The stored application and its outgoing messages."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_security.models.sqla import FsModels, FsRoleMixin, FsUserMixin, FsWebAuthnMixin
from sqlalchemy import JSON, BigInteger, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from forms_service.db import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class AwareDateTime(TypeDecorator):
    """A moment stored in UTC and read back aware on every database (SQLite returns naive
    values), so rules can compare it with now() without a case for each database."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        # SQLite keeps the wall-clock digits and drops the offset: store UTC everywhere.
        return value.astimezone(UTC) if value is not None and value.tzinfo else value

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Application(Base):
    __tablename__ = "application"
    __table_args__ = (
        # The workspace's queue: a branch's applications, newest first, by status or not.
        Index("ix_application_branch_created", "branch_id", "created_at"),
        Index("ix_application_branch_status_created", "branch_id", "status", "created_at"),
        Index("ix_application_created", "created_at"),
        # A search by name reads the folded names of the scope's branches from this index
        # alone (no row is fetched unless it matches), with what orders the page.
        Index("ix_application_branch_queue", "branch_id", "created_at", "id", "status",
              "search_name"),
        # PostgreSQL: trigrams of the folded names, so a search inside names ('%mend%') reads
        # the few matches rather than every name (migration 0003 adds pg_trgm when it can).
        Index("ix_application_search_name_trgm", "search_name", postgresql_using="gin",
              postgresql_ops={"search_name": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)
    # The hidden token of the form that produced this row: a resent form finds it again.
    submission_token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    lang: Mapped[str] = mapped_column(String(2))
    branch_id: Mapped[str] = mapped_column(String(32))
    email: Mapped[str] = mapped_column(String(320), index=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    consent_at: Mapped[datetime] = mapped_column(AwareDateTime())
    privacy_version: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), default="new")
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        AwareDateTime(), default=utcnow, onupdate=utcnow
    )
    # The workspace: duplicate keys (domain.duplicates), and when staff first called.
    email_key: Mapped[str | None] = mapped_column(String(320), nullable=True, index=True)
    phone_key: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    name_key: Mapped[str | None] = mapped_column(String(255), nullable=True, index=True)
    # The folded full name (no accents, lower case), for the workspace's search.
    search_name: Mapped[str | None] = mapped_column(String(255), nullable=True)
    first_contact_at: Mapped[datetime | None] = mapped_column(
        AwareDateTime(), nullable=True
    )
    # The step a closed application was closed from (it can be reopened there).
    closed_from: Mapped[str | None] = mapped_column(String(32), nullable=True)


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="SET NULL"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # confirmation | notification
    recipient: Mapped[str] = mapped_column(String(320))
    reply_to: Mapped[str | None] = mapped_column(String(320), nullable=True)
    subject: Mapped[str] = mapped_column(String(255))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # pending | sending (claimed by one sender) | sent | failed | withheld (never sent)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # The sender that claimed it; its claim lasts until next_attempt_at (outbox.CLAIM_LEASE).
    claimed_by: Mapped[str | None] = mapped_column(String(32), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Information sessions: the booking a message is about (its pending reminders are
    # withdrawn when the booking is cancelled or moved), when a scheduled message may go
    # (next_attempt_at starts there), and a calendar invitation sent with it.
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("booking.id", ondelete="SET NULL"), nullable=True, index=True
    )
    send_after: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    ics: Mapped[str | None] = mapped_column(Text, nullable=True)
    ics_method: Mapped[str | None] = mapped_column(String(16), nullable=True)


# --- the branch workspace -----------------------------------------------------------------
# Staff accounts use Flask-Security-Too's SQLAlchemy mixins (sign-in, two factors, passkeys,
# recovery codes); the class names User, Role and WebAuthn are the ones its relationships use.

FsModels.set_db_info(
    base_model=Base,
    user_table_name="staff_user",
    role_table_name="staff_role",
    webauthn_table_name="staff_webauthn",
)


class Role(Base, FsRoleMixin):
    __tablename__ = "staff_role"


class User(Base, FsUserMixin):
    """A member of staff: one role (coordinator, country, admin), a country for country
    leads, the branches of a coordinator, the language of the workspace and the e-mails."""

    __tablename__ = "staff_user"

    lang: Mapped[str] = mapped_column(String(2), default="fr")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)
    # The time step of the last authenticator code accepted: the same code never works twice.
    tf_totp_last_counter: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    branch_links: Mapped[list[StaffBranch]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def role(self) -> str:
        return self.roles[0].name if self.roles else ""

    @property
    def branch_ids(self) -> list[str]:
        return sorted(link.branch_id for link in self.branch_links)


class WebAuthn(Base, FsWebAuthnMixin):
    __tablename__ = "staff_webauthn"


class StaffBranch(Base):
    __tablename__ = "staff_branch"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True
    )
    branch_id: Mapped[str] = mapped_column(String(32), primary_key=True, index=True)


class ApplicationEvent(Base):
    """The history of an application: status moves, notes, reassignments. Append-only; rows
    go only with the application, when the person is erased or past retention."""

    __tablename__ = "application_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Who: a staff member's e-mail at the time (kept if the account goes), or "system".
    actor: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(16))  # status | note | reassign | duplicate
    from_value: Mapped[str | None] = mapped_column(String(64), nullable=True)
    to_value: Mapped[str | None] = mapped_column(String(64), nullable=True)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)


class DuplicateLink(Base):
    """Two applications that share a key; staff mark it a duplicate or not."""

    __tablename__ = "duplicate_link"
    __table_args__ = (Index("ix_duplicate_pair", "application_id", "other_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    other_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), index=True
    )
    keys: Mapped[str] = mapped_column(String(32))  # "email,phone"
    verdict: Mapped[str] = mapped_column(String(16), default="open")  # open|duplicate|distinct


class AuditEntry(Base):
    """Who viewed, exported, changed or erased which application, and when."""

    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(16))  # view|export|change|erase|account
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), nullable=True, index=True
    )
    # The reference, or what an export covered (a filter); never an applicant's answers.
    subject: Mapped[str | None] = mapped_column(String(255), nullable=True)


# --- information sessions -----------------------------------------------------------------


class InfoSession(Base):
    """A branch's group information session (about 90 minutes), face to face or online."""

    __tablename__ = "info_session"
    __table_args__ = (Index("ix_info_session_branch_starts", "branch_id", "starts_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(AwareDateTime(), index=True)
    ends_at: Mapped[datetime] = mapped_column(AwareDateTime())
    place: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Sent only to those booked, never shown on the public list.
    online_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    lang: Mapped[str] = mapped_column(String(2))
    audience: Mapped[str] = mapped_column(String(8))  # mentor | mentee | all
    capacity: Mapped[int] = mapped_column(Integer)
    # Confirmed places: raised only by an atomic conditional UPDATE (never past capacity).
    booked: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(16), default="scheduled")  # or cancelled
    # The calendar invitation's SEQUENCE: raised at every change of time or place.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        AwareDateTime(), default=utcnow, onupdate=utcnow
    )

    @property
    def online(self) -> bool:
        return bool(self.online_url)

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.booked)


class Booking(Base):
    """A person's place at a session (or on its waiting list). One per person per session."""

    __tablename__ = "booking"
    __table_args__ = (Index("ix_booking_person", "session_id", "email_key", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("info_session.id", ondelete="CASCADE"), index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # The calendar invitation's UID: the same for every message about this booking.
    uid: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320), index=True)
    phone: Mapped[str | None] = mapped_column(String(32), nullable=True)
    lang: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str | None] = mapped_column(String(16), nullable=True)  # mentor | mentee
    status: Mapped[str] = mapped_column(String(16))  # confirmed | waiting | cancelled
    attendance: Mapped[str | None] = mapped_column(String(8), nullable=True)  # present|absent
    # Signed links carry this number: a used or superseded link stops working.
    link_version: Mapped[int] = mapped_column(Integer, default=1)
    consent_at: Mapped[datetime] = mapped_column(AwareDateTime())
    privacy_version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(AwareDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        AwareDateTime(), default=utcnow, onupdate=utcnow
    )
