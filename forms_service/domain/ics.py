"""Calendar invitations (RFC 5545) built with the icalendar library.

One UID per booking, stable across messages; SEQUENCE raised at each change of time or
place; the venue's TZID with its VTIMEZONE; the place or the online link; the branch inbox
as organiser; no attendee listed (nobody sees who else comes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import icalendar

PRODID = "-//DUO for a JOB//Information sessions//EN"
METHODS = ("REQUEST", "CANCEL")


@dataclass(frozen=True)
class Invitation:
    uid: str
    method: str  # REQUEST | CANCEL
    sequence: int
    starts_at: datetime
    ends_at: datetime
    timezone: str
    summary: str
    description: str
    organizer_email: str
    organizer_name: str
    location: str | None = None
    url: str | None = None


def build(invitation: Invitation, stamp: datetime) -> str:
    """The .ics text of one event."""
    if invitation.method not in METHODS:
        raise ValueError(f"unknown method {invitation.method!r}")
    zone = ZoneInfo(invitation.timezone)
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", invitation.method)
    event = icalendar.Event()
    event.add("uid", invitation.uid)
    event.add("sequence", invitation.sequence)
    event.add("dtstamp", stamp.astimezone(ZoneInfo("UTC")))
    event.add("dtstart", invitation.starts_at.astimezone(zone))
    event.add("dtend", invitation.ends_at.astimezone(zone))
    event.add("summary", invitation.summary)
    event.add("description", invitation.description)
    if invitation.location:
        event.add("location", invitation.location)
    if invitation.url:
        event.add("url", invitation.url)
    organizer = icalendar.vCalAddress(f"mailto:{invitation.organizer_email}")
    organizer.params["cn"] = icalendar.vText(invitation.organizer_name)
    event.add("organizer", organizer)
    event.add("status", "CANCELLED" if invitation.method == "CANCEL" else "CONFIRMED")
    calendar.add_component(event)
    # Only the rules around the event: a VTIMEZONE that calendars can read quickly.
    calendar.add_missing_timezones(
        first_date=invitation.starts_at.date().replace(month=1, day=1),
        last_date=invitation.ends_at.date().replace(month=12, day=31),
    )
    return calendar.to_ical().decode("utf-8")
