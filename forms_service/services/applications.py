"""Storing an application: one transaction writes the row and its two outbox messages."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from forms_service.domain.references import new_reference, usable_token
from forms_service.domain.routing import route
from forms_service.mail.render import application_messages
from forms_service.models import Application
from forms_service.services.duplicates import link_duplicates, set_keys
from forms_service.services.sessions import link_bookings
from sitedata.models import Branch, SiteData

log = logging.getLogger(__name__)

# How many fresh references to try when one is already taken (26^6 possibilities: a second
# collision in a row is already most unlikely).
REFERENCE_ATTEMPTS = 5


class ReferenceSpaceExhausted(RuntimeError):
    """Every reference tried was taken: nothing was stored."""


@dataclass(frozen=True)
class ApplicationInput:
    """What a person sent, already checked: the answers by question name (no consent, no
    tokens), and the token of the form they came from (a resent form carries the same)."""

    kind: str
    lang: str
    answers: Mapping[str, Any]
    submission_token: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

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


def find_by_token(session: Session, token: str) -> Application | None:
    return session.scalar(select(Application).where(Application.submission_token == token))


def submit_application(
    session: Session, data: ApplicationInput, site: SiteData, now: datetime
) -> Application:
    """Store a valid application with its messages; a resent form returns the first one.

    A resent form (back, then send again) is caught by the unique token on insert, so the
    common case, a first send, costs no extra query. A reference already taken is drawn
    again, up to REFERENCE_ATTEMPTS times.
    """
    token = usable_token(data.submission_token)
    branch = routed_branch(site, data.answers)
    answers = dict(data.answers)
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
    for _ in range(REFERENCE_ATTEMPTS):
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
    session.add_all(messages)
    session.commit()
    log.info(
        "application %s stored (kind %s, branch %s); outbox %s",
        application.reference,
        data.kind,
        branch.id,
        ", ".join(f"{m.id} ({m.kind}) pending" for m in messages),
    )
    return application
