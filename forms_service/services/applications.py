"""Storing an application: one transaction writes the row and its two outbox messages."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms_service.domain.references import new_reference, usable_token
from forms_service.domain.routing import route
from forms_service.mail.render import application_messages
from forms_service.models import Application, OutboxMessage
from forms_service.services.duplicates import link_duplicates, set_keys
from forms_service.services.sessions import link_bookings
from sitedata.models import Branch, SiteData

log = logging.getLogger(__name__)

# How many fresh references to try when one is already taken (26^6 possibilities: a second
# collision in a row is already most unlikely).
REFERENCE_ATTEMPTS = 5
# Confirmations one address receives in 24 hours at most: anyone can type a stranger's
# address, and the stranger must not be flooded. Later applications are stored and notified
# to the branch as usual, with the confirmation kept unsent ("withheld").
CONFIRMATIONS_PER_ADDRESS = 3
CONFIRMATION_WINDOW = timedelta(hours=24)
# The browser's previous application, with the same form and answers, within this time: the
# same application sent again (Back, then Send: the browser fetched a fresh form token).
RESEND_WINDOW = timedelta(hours=1)
# Every answer is bounded by its form; this bounds the whole, whoever calls the service.
MAX_ANSWERS_BYTES = 16 * 1024


class ReferenceSpaceExhausted(RuntimeError):
    """Every reference tried was taken: nothing was stored."""


class ApplicationTooLarge(ValueError):
    """The answers, together, are larger than MAX_ANSWERS_BYTES: nothing was stored."""


def bounded_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    """The answers to store: a choice repeated in a list counts once; the whole is bounded."""
    kept = {
        name: list(dict.fromkeys(value)) if isinstance(value, list) else value
        for name, value in answers.items()
    }
    size = len(json.dumps(kept, ensure_ascii=False, default=str).encode())
    if size > MAX_ANSWERS_BYTES:
        raise ApplicationTooLarge(f"answers of {size} bytes (at most {MAX_ANSWERS_BYTES})")
    return kept


@dataclass(frozen=True)
class ApplicationInput:
    """What a person sent, already checked: the answers by question name (no consent, no
    tokens), the token of the form they came from (a resent form carries the same), and the
    reference of the application this browser sent last (Back, then Send again, gives the
    same answers with a new token)."""

    kind: str
    lang: str
    answers: Mapping[str, Any]
    submission_token: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    previous_reference: str | None = None

    @property
    def email(self) -> str:
        return str(self.answers["email"])


def routed_branch(site: SiteData, answers: Mapping[str, Any]) -> Branch:
    """The branch that will interview this person (a branch they chose wins)."""
    return route(
        site.branches, answers.get("country"), answers.get("postcode"),
        answers.get("branch") or None,
    )


def find_by_reference(session: Session, reference: str) -> Application | None:
    return session.scalar(select(Application).where(Application.reference == reference))


def confirmation_withheld(session: Session, application: Application) -> bool:
    """True when the application's confirmation was kept unsent (too many to its address)."""
    return session.scalar(
        select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.application_id == application.id,
            OutboxMessage.kind == "confirmation",
            OutboxMessage.status == "withheld",
        )
    ) > 0


def find_by_token(session: Session, token: str) -> Application | None:
    return session.scalar(select(Application).where(Application.submission_token == token))


def submit_application(
    session: Session, data: ApplicationInput, site: SiteData, now: datetime,
    confirmations_per_address: int = CONFIRMATIONS_PER_ADDRESS,
) -> Application:
    """Store a valid application with its messages; a resent form returns the first one.

    A resent form is caught by the unique token on insert, or, when the browser fetched a
    fresh form (Back, then Send), by the same form and answers as the browser's previous
    application within RESEND_WINDOW. A reference already taken is drawn again, up to
    REFERENCE_ATTEMPTS times.
    Beyond `confirmations_per_address` confirmations to one address in 24 hours, the
    application is stored and notified, and its confirmation is kept unsent.

    Confirmations are counted after the row is written: on SQLite the insert holds the write
    lock, on PostgreSQL a lock on the address is taken first, so two at once count right.
    """
    token = usable_token(data.submission_token)
    branch = routed_branch(site, data.answers)
    answers = bounded_answers(data.answers)
    earlier = _sent_again(session, data, answers, now)
    if earlier is not None:
        log.info("application %s sent again; kept once", earlier.reference)
        return earlier
    application = Application(
        reference=new_reference(),
        submission_token=token,
        kind=data.kind,
        lang=data.lang,
        branch_id=branch.id,
        email=data.email,
        answers=answers,
        consent_at=now,
        privacy_version=site.programme.privacy.version,
        status="new",
        created_at=now,
        updated_at=now,
    )
    set_keys(application)  # what the duplicate checks and the staff search read
    for _attempt in range(REFERENCE_ATTEMPTS):
        _lock_address(session, application.email_key)
        session.add(application)
        try:
            session.flush()
            break
        except IntegrityError:
            session.rollback()
            again = find_by_token(session, token)
            if again is not None:  # the same form, sent twice at once
                return again
            application.reference = new_reference()
    else:
        raise ReferenceSpaceExhausted(f"no free reference after {REFERENCE_ATTEMPTS} attempts")
    link_duplicates(session, application)
    link_bookings(session, application)  # a session booked before applying
    messages = application_messages(application, branch, site)
    confirmed = _confirmations_since(session, application.email_key, now - CONFIRMATION_WINDOW)
    if confirmed >= confirmations_per_address:
        _withhold_confirmation(messages, branch, confirmed)
    session.add_all(messages)
    session.commit()
    log.info(
        "application %s stored (kind %s, branch %s); outbox %s",
        application.reference,
        data.kind,
        branch.id,
        ", ".join(f"{m.id} ({m.kind}) {m.status}" for m in messages),
    )
    return application


def _lock_address(session: Session, key: str | None) -> None:
    """PostgreSQL: one submission per address at a time, until the commit (SQLite writes
    one at a time anyway)."""
    if key and session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})


def _sent_again(
    session: Session, data: ApplicationInput, answers: dict[str, Any], now: datetime
) -> Application | None:
    """The browser's previous application, when this one is the same form with the same
    answers, made within RESEND_WINDOW."""
    if not data.previous_reference:
        return None
    previous = session.scalar(
        select(Application).where(
            Application.reference == data.previous_reference,
            Application.kind == data.kind,
            Application.lang == data.lang,
            Application.created_at >= now - RESEND_WINDOW,
        )
    )
    if previous is None or previous.email != data.email or previous.answers != answers:
        return None
    return previous


def _confirmations_since(session: Session, key: str | None, since: datetime) -> int:
    """Confirmations sent or to be sent to this address since `since` (withheld ones are
    not sent, so they do not count)."""
    if not key:
        return 0
    query = (
        select(func.count())
        .select_from(OutboxMessage)
        .join(Application, Application.id == OutboxMessage.application_id)
        .where(
            Application.email_key == key,
            OutboxMessage.kind == "confirmation",
            OutboxMessage.status != "withheld",
            OutboxMessage.created_at >= since,
        )
    )
    return session.scalar(query) or 0


def _withhold_confirmation(messages: list[OutboxMessage], branch: Branch, count: int) -> None:
    """Keep the confirmation unsent (the sender takes only pending messages) and say so at
    the top of the branch's notification, in the branch's language."""
    with force_locale(branch.languages[0]):
        note = _(
            "No confirmation was sent to the applicant: their address already received "
            "%(count)s confirmations in the last 24 hours. Check that the application is "
            "genuine before you contact them.",
            count=count,
        )
    for message in messages:
        if message.kind == "confirmation":
            message.status = "withheld"
        elif message.kind == "notification":
            message.body_text = f"{note}\n\n{message.body_text}"
            message.body_html = message.body_html.replace(
                "<body>", f"<body>\n<p><strong>{escape(note)}</strong></p>", 1
            )
