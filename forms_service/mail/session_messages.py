"""The e-mails about information sessions, as outbox rows, in the booked person's language:
the confirmation with its calendar invitation, the waiting-list note, the reminders
(scheduled), changes and cancellations. Each carries signed links to cancel or move the
booking without an account."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from forms_service.domain import ics, links
from forms_service.domain import sessions as rule
from forms_service.mail.inboxes import inbox_of
from forms_service.mail.render import header_safe
from forms_service.models import Booking, InfoSession, OutboxMessage
from sitedata.models import SiteData


def booking_links(booking: Booking) -> dict[str, str]:
    secret = current_app.config["SECRET_KEY"]
    return {
        purpose: url_for(f"sessions.{purpose}_booking", lang=booking.lang,
                         token=links.make(secret, purpose, booking.id, booking.link_version),
                         _external=True)
        for purpose in ("cancel", "move")
    }


def context(row: InfoSession, booking: Booking, site: SiteData) -> dict[str, Any]:
    branch = site.branches.get(row.branch_id)
    tz = site.branches.timezone_of(row.branch_id)
    return dict(
        s=row, booking=booking, branch=branch, lang=booking.lang,
        when=rule.when_in_words(row.starts_at, row.ends_at, tz, booking.lang),
        links=booking_links(booking),
        sessions_url=url_for("sessions.listing", lang=booking.lang, _external=True),
    )


def invitation(row: InfoSession, booking: Booking, site: SiteData, method: str,
               now: datetime) -> str:
    branch = site.branches.get(row.branch_id)
    with force_locale(booking.lang):
        summary = _("DUO for a JOB information session (%(branch)s)",
                    branch=branch.name[booking.lang])
        description = _("About 90 minutes, in a group. Cancel or change: %(link)s",
                        link=booking_links(booking)["cancel"])
    return ics.build(ics.Invitation(
        uid=booking.uid, method=method, sequence=row.sequence, starts_at=row.starts_at,
        ends_at=row.ends_at, timezone=site.branches.timezone_of(row.branch_id), summary=summary,
        description=description, organizer_email=inbox_of(site.branches, branch),
        organizer_name=f"DUO for a JOB {branch.name[booking.lang]}",
        location=row.place, url=row.online_url,
    ), now)


def _message(template: str, kind: str, row: InfoSession, booking: Booking, site: SiteData,
             now: datetime, ics_method: str | None = None, send_after: datetime | None = None,
             **extra: Any) -> OutboxMessage:
    ctx = {**context(row, booking, site), **extra}
    branch = site.branches.get(row.branch_id)
    with force_locale(booking.lang):
        message = OutboxMessage(
            booking_id=booking.id, kind=kind, recipient=header_safe(booking.email),
            reply_to=header_safe(inbox_of(site.branches, branch)),
            subject=header_safe(render_template(f"email/{template}_subject.txt", **ctx).strip()),
            body_text=render_template(f"email/{template}.txt", **ctx),
            body_html=render_template(f"email/{template}.html", **ctx),
            send_after=send_after,
        )
        if ics_method:
            message.ics = invitation(row, booking, site, ics_method, now)
            message.ics_method = ics_method
    if send_after is not None:
        message.next_attempt_at = send_after
    return message


def confirmed(row: InfoSession, booking: Booking, site: SiteData, now: datetime,
              promoted: bool = False) -> list[OutboxMessage]:
    """The confirmation with its invitation, and the reminders still to come."""
    out = [_message("session_booked", "session_booked", row, booking, site, now, "REQUEST",
                    promoted=promoted)]
    for moment in rule.reminder_times(row.starts_at, now):
        out.append(_message("session_reminder", "session_reminder", row, booking, site, now,
                            send_after=moment))
    return out


def waiting(row: InfoSession, booking: Booking, site: SiteData, now: datetime) -> OutboxMessage:
    return _message("session_waiting", "session_waiting", row, booking, site, now)


def changed(
    row: InfoSession, booking: Booking, site: SiteData, now: datetime
) -> list[OutboxMessage]:
    """The new time or place (the same UID, SEQUENCE + 1), and new reminders."""
    out = [_message("session_changed", "session_changed", row, booking, site, now, "REQUEST")]
    for moment in rule.reminder_times(row.starts_at, now):
        out.append(_message("session_reminder", "session_reminder", row, booking, site, now,
                            send_after=moment))
    return out


def session_cancelled(row: InfoSession, booking: Booking, site: SiteData,
                      offer: list[InfoSession], now: datetime) -> OutboxMessage:
    tz = {s.id: site.branches.timezone_of(s.branch_id) for s in offer}
    options = [
        (rule.when_in_words(s.starts_at, s.ends_at, tz[s.id], booking.lang),
         site.branches.get(s.branch_id).name[booking.lang], s.online)
        for s in offer
    ]
    return _message("session_cancelled", "session_cancelled", row, booking, site, now, "CANCEL",
                    options=options)


def booking_cancelled(row: InfoSession, booking: Booking, site: SiteData,
                      now: datetime) -> OutboxMessage:
    return _message("booking_cancelled", "booking_cancelled", row, booking, site, now, "CANCEL")
