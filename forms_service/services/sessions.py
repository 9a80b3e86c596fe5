"""Information sessions: staff create, change and cancel them; the public books a place, joins
the waiting list, cancels or moves with a signed link; attendance moves applications on.

A place is taken by one conditional UPDATE (`booked = booked + 1 WHERE booked < capacity`):
the database serialises simultaneous claims (SQLite's write lock, PostgreSQL's row lock), so
a session is never overbooked. Every e-mail is an outbox row written in the same transaction.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms_service.domain import pipeline as rules
from forms_service.domain import sessions as rule
from forms_service.domain.duplicates import email_key
from forms_service.domain.scope import Scope, visible_branches
from forms_service.mail import session_messages as messages
from forms_service.models import (
    Application,
    ApplicationEvent,
    Booking,
    InfoSession,
    OutboxMessage,
)
from forms_service.services import audit
from sitedata.models import SiteData

DEFAULT_MINUTES = 90


class SessionNotFound(LookupError):
    """No such session (in the caller's scope, or upcoming for the public)."""


class SessionRefused(ValueError):
    """The session cannot be created or changed as asked (the message says why)."""


class Full(RuntimeError):
    """No place left (and the person did not ask for the waiting list)."""


class AlreadyBooked(RuntimeError):
    def __init__(self, booking: Booking) -> None:
        super().__init__(booking.id)
        self.booking = booking


class Closed(RuntimeError):
    """The session is cancelled or has started."""


@dataclass(frozen=True)
class SessionInput:
    branch_id: str
    starts_local: datetime  # wall-clock time at the venue, naive
    minutes: int
    capacity: int
    audience: str
    lang: str
    place: str | None = None
    online_url: str | None = None


@dataclass(frozen=True)
class BookingInput:
    session_id: int
    name: str
    email: str
    lang: str
    phone: str | None = None
    kind: str | None = None
    application_id: int | None = None
    waiting_list: bool = False


def check_input(site: SiteData, data: SessionInput, scope: Scope | None) -> None:
    if scope is not None and data.branch_id not in visible_branches(scope, site.branches):
        raise SessionNotFound(data.branch_id)
    try:
        site.branches.get(data.branch_id)
    except KeyError:
        raise SessionRefused("unknown branch") from None
    if data.audience not in rule.AUDIENCES:
        raise SessionRefused("audience: mentor, mentee or all")
    if data.lang not in ("fr", "nl", "en"):
        raise SessionRefused("language: fr, nl or en")
    if not 15 <= data.minutes <= 8 * 60:
        raise SessionRefused("a session lasts 15 minutes to 8 hours")
    if not 1 <= data.capacity <= 500:
        raise SessionRefused("capacity: 1 to 500")
    if bool(data.place) == bool(data.online_url):
        raise SessionRefused("either a place or an online link")
    if data.online_url and not data.online_url.startswith("https://"):
        raise SessionRefused("the online link starts with https://")


# --- staff --------------------------------------------------------------------------------


def scoped_sessions(scope: Scope, site: SiteData):  # type: ignore[no-untyped-def]
    return select(InfoSession).where(
        InfoSession.branch_id.in_(visible_branches(scope, site.branches))
    )


def get_for_staff(session: Session, scope: Scope, site: SiteData, session_id: int) -> InfoSession:
    found = session.scalar(scoped_sessions(scope, site).where(InfoSession.id == session_id))
    if found is None:
        raise SessionNotFound(session_id)
    return found


def staff_list(
    session: Session, scope: Scope, site: SiteData, now: datetime, past: bool = False
) -> list[InfoSession]:
    query = scoped_sessions(scope, site)
    if past:
        query = query.where(InfoSession.starts_at < now).order_by(InfoSession.starts_at.desc())
    else:
        query = query.where(InfoSession.starts_at >= now - timedelta(hours=12)).order_by(
            InfoSession.starts_at
        )
    return list(session.scalars(query.limit(200)))


def create(
    session: Session, site: SiteData, data: SessionInput, actor: str, now: datetime,
    scope: Scope | None = None,
) -> InfoSession:
    check_input(site, data, scope)
    starts = rule.from_local(data.starts_local, site.branches.timezone_of(data.branch_id))
    if starts <= now:
        raise SessionRefused("the session must start in the future")
    row = InfoSession(
        branch_id=data.branch_id, starts_at=starts,
        ends_at=starts + timedelta(minutes=data.minutes), place=data.place or None,
        online_url=data.online_url or None, lang=data.lang, audience=data.audience,
        capacity=data.capacity, booked=0, status="scheduled", sequence=0, created_by=actor,
        created_at=now, updated_at=now,
    )
    session.add(row)
    session.flush()
    return row


def change(
    session: Session, scope: Scope, site: SiteData, session_id: int, data: SessionInput,
    actor: str, now: datetime,
) -> InfoSession:
    """Change a session; a new time or place is sent to everyone booked (SEQUENCE + 1)."""
    row = get_for_staff(session, scope, site, session_id)
    if row.status != "scheduled":
        raise SessionRefused("a cancelled session cannot be changed")
    check_input(site, data, scope)
    if data.branch_id != row.branch_id:
        raise SessionRefused("a session stays in its branch")
    starts = rule.from_local(data.starts_local, site.branches.timezone_of(row.branch_id))
    if data.capacity < row.booked:
        raise SessionRefused("fewer places than people already booked")
    moved = (starts, starts + timedelta(minutes=data.minutes), data.place or None,
             data.online_url or None) != (row.starts_at, row.ends_at, row.place, row.online_url)
    row.starts_at, row.ends_at = starts, starts + timedelta(minutes=data.minutes)
    row.place, row.online_url = data.place or None, data.online_url or None
    row.capacity, row.audience, row.lang = data.capacity, data.audience, data.lang
    row.updated_at = now
    if moved:
        row.sequence += 1
        for booking in bookings_of(session, row, ("confirmed",)):
            withdraw_reminders(session, booking)
            session.add_all(messages.changed(row, booking, site, now))
    return row


def cancel_session(
    session: Session, scope: Scope, site: SiteData, session_id: int, actor: str, now: datetime
) -> InfoSession:
    """Everyone booked or waiting is told (CANCEL) and offered the next sessions."""
    row = get_for_staff(session, scope, site, session_id)
    if row.status == "cancelled":
        return row
    row.status = "cancelled"
    row.sequence += 1
    row.updated_at = now
    for booking in bookings_of(session, row, ("confirmed", "waiting")):
        was = booking.status
        booking.status, booking.link_version = "cancelled", booking.link_version + 1
        withdraw_reminders(session, booking)
        if was == "confirmed":
            offer = upcoming(session, site, now, branch=row.branch_id, kind=booking.kind,
                             with_online=True, limit=3, exclude=row.id)
            session.add(messages.session_cancelled(row, booking, site, offer, now))
    return row


def bookings_of(
    session: Session, row: InfoSession, statuses: tuple[str, ...] = ("confirmed", "waiting")
) -> list[Booking]:
    return list(session.scalars(
        select(Booking).where(Booking.session_id == row.id, Booking.status.in_(statuses))
        .order_by(Booking.status, Booking.created_at, Booking.id)
    ))


def attendance_list(session: Session, scope: Scope, site: SiteData, session_id: int):  # type: ignore[no-untyped-def]
    row = get_for_staff(session, scope, site, session_id)
    bookings = list(session.scalars(
        select(Booking).where(Booking.session_id == row.id)
        .order_by(Booking.status, Booking.created_at, Booking.id)
    ))
    references = dict(session.execute(
        select(Application.id, Application.reference).where(
            Application.id.in_([b.application_id for b in bookings if b.application_id])
        )
    ).all()) if bookings else {}
    return row, bookings, references


def mark_attendance(
    session: Session, scope: Scope, site: SiteData, session_id: int, booking_id: int,
    present: bool, actor: str, now: datetime,
) -> Booking:
    """Present or absent; present moves a linked application to the information session."""
    row = get_for_staff(session, scope, site, session_id)
    booking = session.scalar(select(Booking).where(
        Booking.id == booking_id, Booking.session_id == row.id
    ))
    if booking is None:
        raise SessionNotFound(booking_id)
    booking.attendance = "present" if present else "absent"
    booking.updated_at = now
    if present and booking.application_id:
        application = session.get(Application, booking.application_id)
        pipeline = site.programme.pipeline
        step = "information_session"
        steps = pipeline.steps.get(application.kind, [])  # type: ignore[call-overload]
        if (application and step in steps and application.status in steps
                and not rules.reached(pipeline, application.kind, application.status, step)):
            session.add(ApplicationEvent(
                application_id=application.id, at=now, actor=actor, kind="status",
                from_value=application.status, to_value=step,
                text=f"session {row.id}",
            ))
            if application.status == "new" and application.first_contact_at is None:
                application.first_contact_at = now
            application.status = step
            application.updated_at = now
            audit.record(session, actor, "change", now, application.id, application.reference)
    return booking


def all_sessions(session: Session, now: datetime, include_past: bool = False) -> list[InfoSession]:
    """For operators (`flask sessions list`): every branch."""
    query = select(InfoSession).order_by(InfoSession.starts_at, InfoSession.id)
    if not include_past:
        query = query.where(InfoSession.starts_at >= now)
    return list(session.scalars(query))


def local_start(site: SiteData, row: InfoSession) -> datetime:
    return rule.local_time(row.starts_at, site.branches.timezone_of(row.branch_id))


# --- the public ---------------------------------------------------------------------------


def upcoming(
    session: Session, site: SiteData, now: datetime, branch: str | None = None,
    kind: str | None = None, with_online: bool = False, limit: int = 200,
    exclude: int | None = None,
) -> list[InfoSession]:
    """Scheduled sessions still to start; `with_online` adds every branch's online ones."""
    query = select(InfoSession).where(
        InfoSession.status == "scheduled", InfoSession.starts_at > now
    )
    if branch:
        where = InfoSession.branch_id == branch
        if with_online:
            where = or_(where, InfoSession.online_url.is_not(None))
        query = query.where(where)
    if kind in ("mentor", "mentee"):
        query = query.where(InfoSession.audience.in_((kind, "all")))
    if exclude:
        query = query.where(InfoSession.id != exclude)
    return list(session.scalars(query.order_by(InfoSession.starts_at, InfoSession.id)
                                .limit(limit)))


def public_session(session: Session, session_id: int, now: datetime) -> InfoSession:
    row = session.get(InfoSession, session_id)
    if row is None:
        raise SessionNotFound(session_id)
    return row


def _claim(session: Session, session_id: int, now: datetime) -> bool:
    """Take one place if one is left: a single conditional UPDATE (atomic)."""
    result = session.execute(
        update(InfoSession)
        .where(InfoSession.id == session_id, InfoSession.status == "scheduled",
               InfoSession.starts_at > now, InfoSession.booked < InfoSession.capacity)
        .values(booked=InfoSession.booked + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _release(session: Session, session_id: int) -> None:
    session.execute(
        update(InfoSession).where(InfoSession.id == session_id, InfoSession.booked > 0)
        .values(booked=InfoSession.booked - 1).execution_options(synchronize_session=False)
    )


def is_closed(row: InfoSession, now: datetime) -> bool:
    """No more bookings: the session was cancelled, or it has begun."""
    return row.status != "scheduled" or row.starts_at <= now


def book(session: Session, site: SiteData, data: BookingInput, now: datetime) -> Booking:
    """A place, or a place on the waiting list; commits. Raises Full, AlreadyBooked, Closed."""
    row = session.get(InfoSession, data.session_id)
    if row is None:
        raise SessionNotFound(data.session_id)
    if is_closed(row, now):
        raise Closed(data.session_id)
    key = email_key(data.email) or data.email.strip().casefold()
    existing = session.scalar(select(Booking).where(
        Booking.session_id == row.id, Booking.email_key == key
    ))
    if existing is not None and existing.status != "cancelled":
        raise AlreadyBooked(existing)
    claimed = _claim(session, row.id, now)
    if not claimed and not data.waiting_list:
        session.rollback()
        raise Full(data.session_id)
    booking = existing or Booking(session_id=row.id, uid=f"{secrets.token_hex(16)}@duoforajob")
    booking.name, booking.email, booking.email_key = data.name.strip(), data.email.strip(), key
    booking.phone, booking.lang, booking.kind = data.phone or None, data.lang, data.kind
    booking.application_id = data.application_id or _application_for(session, key)
    booking.status = "confirmed" if claimed else "waiting"
    booking.attendance = None
    booking.link_version = (booking.link_version or 0) + 1
    booking.consent_at, booking.privacy_version = now, site.programme.privacy.version
    booking.created_at = now if existing is None else booking.created_at
    booking.updated_at = now
    session.add(booking)
    try:
        session.flush()
    except IntegrityError:
        # The same person, twice at once: the other request won; its place stands.
        session.rollback()
        again = session.scalar(select(Booking).where(
            Booking.session_id == data.session_id, Booking.email_key == key
        ))
        if again is None:
            raise
        raise AlreadyBooked(again) from None
    session.refresh(row)
    if claimed:
        session.add_all(messages.confirmed(row, booking, site, now))
    else:
        session.add(messages.waiting(row, booking, site, now))
    session.commit()
    return booking


def _application_for(session: Session, key: str) -> int | None:
    """The person's most recent application, when they applied with the same address."""
    return session.scalar(
        select(Application.id).where(Application.email_key == key)
        .order_by(Application.created_at.desc()).limit(1)
    )


def link_bookings(session: Session, application: Application) -> int:
    """A booking made before applying, with the same address, is linked to the application."""
    if not application.email_key:
        return 0
    result = session.execute(
        update(Booking).where(Booking.email_key == application.email_key,
                              Booking.application_id.is_(None))
        .values(application_id=application.id).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def withdraw_reminders(session: Session, booking: Booking) -> int:
    """Pending reminders about a booking are deleted (never sent once it changed)."""
    result = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.booking_id == booking.id, OutboxMessage.status == "pending",
            OutboxMessage.kind == "session_reminder",
        ).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


class BookingChanged(RuntimeError):
    """The booking changed since it was read (cancelled, promoted or moved meanwhile)."""


def _take(session: Session, booking: Booking, values: dict, now: datetime) -> bool:
    """Change a booking only if it is still as it was read (same status and link version):
    a conditional UPDATE, so two simultaneous changes cannot both win."""
    result = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == booking.status,
               Booking.link_version == booking.link_version)
        .values(link_version=Booking.link_version + 1, updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def cancel_booking(session: Session, site: SiteData, booking: Booking, now: datetime) -> Booking:
    """The person gives up their place (or their place in line); commits. A freed place goes to
    the first person waiting when the session is more than 24 hours away. Raises
    BookingChanged when the booking changed since it was read."""
    if booking.status == "cancelled":
        return booking
    was = booking.status
    if not _take(session, booking, {"status": "cancelled"}, now):
        session.rollback()
        raise BookingChanged(booking.id)
    session.refresh(booking)
    row = session.get(InfoSession, booking.session_id)
    withdraw_reminders(session, booking)
    session.add(messages.booking_cancelled(row, booking, site, now))
    if was == "confirmed":
        promoted = None
        if row.status == "scheduled" and rule.promotes_waiting_list(row.starts_at, now):
            waiting = session.scalars(
                select(Booking).where(Booking.session_id == row.id, Booking.status == "waiting")
                .order_by(Booking.created_at, Booking.id).limit(5)
                .with_for_update(skip_locked=True)
            ).all()
            for candidate in waiting:
                # The first still waiting (one may be cancelling at this very moment).
                if _take(session, candidate, {"status": "confirmed"}, now):
                    session.refresh(candidate)
                    promoted = candidate
                    break
        if promoted is not None:
            # The place passes on: the count of places taken stays the same.
            session.add_all(messages.confirmed(row, promoted, site, now, promoted=True))
        else:
            _release(session, row.id)
    session.commit()
    return booking


def move_booking(
    session: Session, site: SiteData, booking: Booking, to_session_id: int, now: datetime
) -> Booking:
    """A place at another session, then the old one given up. Raises Full or Closed."""
    if to_session_id == booking.session_id:
        return booking
    new = book(session, site, BookingInput(
        session_id=to_session_id, name=booking.name, email=booking.email, lang=booking.lang,
        phone=booking.phone, kind=booking.kind, application_id=booking.application_id,
    ), now)
    old = session.get(Booking, booking.id)
    session.refresh(old)  # as it is now: promoted or changed meanwhile, it still goes
    try:
        cancel_booking(session, site, old, now)
    except BookingChanged:
        session.refresh(old)
        cancel_booking(session, site, old, now)
    return new


def erase_bookings(session: Session, address: str) -> int:
    """Every booking of the person (privacy erase), with the messages about them."""
    key = email_key(address) or address.strip().casefold()
    ids = list(session.scalars(select(Booking.id).where(Booking.email_key == key)))
    if not ids:
        return 0
    session.execute(delete(OutboxMessage).where(OutboxMessage.booking_id.in_(ids)))
    confirmed = session.execute(
        select(Booking.session_id).where(Booking.id.in_(ids), Booking.status == "confirmed")
    ).scalars().all()
    for session_id in confirmed:
        _release(session, session_id)
    return session.execute(delete(Booking).where(Booking.id.in_(ids))).rowcount or 0


def bookings_of_person(session: Session, address: str) -> list[Booking]:
    key = email_key(address) or address.strip().casefold()
    return list(session.scalars(select(Booking).where(Booking.email_key == key)
                                .order_by(Booking.id)))


def purge_bookings(session: Session, cutoff: datetime) -> int:
    """Bookings of sessions that ended before the retention cut-off."""
    old = select(InfoSession.id).where(InfoSession.ends_at < cutoff)
    ids = list(session.scalars(select(Booking.id).where(Booking.session_id.in_(old))))
    if ids:
        session.execute(delete(OutboxMessage).where(OutboxMessage.booking_id.in_(ids)))
        session.execute(delete(Booking).where(Booking.id.in_(ids)))
    session.execute(delete(InfoSession).where(and_(InfoSession.ends_at < cutoff)))
    return len(ids)


