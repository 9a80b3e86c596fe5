"""Information sessions as pure rules: local times, who a session is for, waiting-list
promotion, and when reminders go."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

# Reminders: two days before, and two hours before.
REMINDERS = (timedelta(days=2), timedelta(hours=2))
# A place freed closer than this to the start is not offered to the waiting list: nobody
# could plan for it.
PROMOTION_NOTICE = timedelta(hours=24)
AUDIENCES = ("mentor", "mentee", "all")


def local_time(moment: datetime, timezone: str) -> datetime:
    """A stored (UTC) moment in the venue's time zone."""
    return moment.astimezone(ZoneInfo(timezone))


def from_local(naive: datetime, timezone: str) -> datetime:
    """A wall-clock time typed by a coordinator at the venue, as a moment in UTC.

    A time that does not exist (the hour skipped in spring) moves forward; one that exists
    twice (the hour repeated in autumn) is the first of the two (fold=0).
    """
    # In UTC, as stored: aware values in a zone compare and subtract by wall clock (and
    # never equal another zone's during the repeated hour), UTC ones by the instant.
    return naive.replace(tzinfo=ZoneInfo(timezone)).astimezone(ZoneInfo("UTC"))


def is_for(audience: str, kind: str | None) -> bool:
    """Whether a session's audience includes a person applying as `kind` (None: anyone)."""
    return audience == "all" or kind is None or audience == kind


def promotes_waiting_list(starts_at: datetime, now: datetime) -> bool:
    """A freed place goes to the first person waiting only if the session is > 24 h away."""
    return starts_at - now > PROMOTION_NOTICE


def reminder_times(starts_at: datetime, now: datetime) -> list[datetime]:
    """When the reminders go: those still in the future (a late booking gets fewer)."""
    return [starts_at - before for before in REMINDERS if starts_at - before > now]


def can_claim(capacity: int, booked: int) -> bool:
    """The rule the atomic claim (UPDATE … WHERE booked < capacity) enforces in the DB."""
    return booked < capacity


BABEL_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}


def when_in_words(starts_at: datetime, ends_at: datetime, timezone: str, lang: str) -> str:
    """'jeudi 3 décembre 2026, 14:00–15:30': the date in words, the venue's local time."""
    from babel.dates import format_date, format_time

    locale = BABEL_LOCALES.get(lang, "fr_BE")
    start, end = local_time(starts_at, timezone), local_time(ends_at, timezone)
    day = format_date(start.date(), format="full", locale=locale)
    return f"{day}, {format_time(start, 'HH:mm', locale=locale)}–" \
           f"{format_time(end, 'HH:mm', locale=locale)}"
