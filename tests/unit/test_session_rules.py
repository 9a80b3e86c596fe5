"""Information sessions as pure rules: local times across daylight saving, the calendar
invitation read back with icalendar, seat claims and waiting-list promotion, signed links."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest

from forms_service.domain import ics, links
from forms_service.domain import sessions as rule

BRUSSELS = "Europe/Brussels"


@pytest.mark.parametrize(
    ("typed", "utc"),
    [
        # The day clocks go forward (29 March 2026, 02:00 -> 03:00).
        (datetime(2026, 3, 29, 1, 30), datetime(2026, 3, 29, 0, 30, tzinfo=UTC)),
        (datetime(2026, 3, 29, 10, 0), datetime(2026, 3, 29, 8, 0, tzinfo=UTC)),
        # The skipped hour moves forward rather than failing.
        (datetime(2026, 3, 29, 2, 30), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)),
        # The day clocks go back (25 October 2026, 03:00 -> 02:00).
        (datetime(2026, 10, 25, 10, 0), datetime(2026, 10, 25, 9, 0, tzinfo=UTC)),
        (datetime(2026, 10, 24, 10, 0), datetime(2026, 10, 24, 8, 0, tzinfo=UTC)),
        # The repeated hour is its first occurrence (summer time).
        (datetime(2026, 10, 25, 2, 30), datetime(2026, 10, 25, 0, 30, tzinfo=UTC)),
    ],
)
def test_a_typed_local_time_becomes_the_right_moment_across_daylight_saving(typed, utc):
    assert rule.from_local(typed, BRUSSELS) == utc


def test_the_same_clock_time_reads_the_same_locally_before_and_after_the_change():
    before = rule.from_local(datetime(2026, 3, 28, 14, 0), BRUSSELS)
    after = rule.from_local(datetime(2026, 3, 30, 14, 0), BRUSSELS)
    assert after - before == timedelta(days=2, hours=-1)
    assert rule.local_time(before, BRUSSELS).hour == rule.local_time(after, BRUSSELS).hour == 14


def test_the_date_is_written_in_words_in_each_language_at_the_venue_time():
    start = rule.from_local(datetime(2026, 12, 3, 14, 0), "Europe/Paris")
    end = start + timedelta(minutes=90)
    assert rule.when_in_words(start, end, "Europe/Paris", "fr") == (
        "jeudi 3 décembre 2026, 14:00–15:30"
    )
    assert rule.when_in_words(start, end, "Europe/Paris", "nl") == (
        "donderdag 3 december 2026, 14:00–15:30"
    )
    english = rule.when_in_words(start, end, "Europe/Paris", "en")
    assert english.startswith("Thursday, 3 December 2026")


def test_reminders_go_two_days_and_two_hours_before_when_still_in_the_future():
    start = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
    assert rule.reminder_times(start, start - timedelta(days=5)) == [
        start - timedelta(days=2), start - timedelta(hours=2),
    ]
    assert rule.reminder_times(start, start - timedelta(days=1)) == [start - timedelta(hours=2)]
    assert rule.reminder_times(start, start - timedelta(hours=1)) == []


def test_a_freed_place_goes_to_the_waiting_list_only_more_than_24_hours_ahead():
    start = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
    assert rule.promotes_waiting_list(start, start - timedelta(hours=25))
    assert not rule.promotes_waiting_list(start, start - timedelta(hours=24))
    assert not rule.promotes_waiting_list(start, start - timedelta(hours=3))


@pytest.mark.parametrize(("capacity", "booked", "ok"), [(5, 0, True), (5, 4, True), (5, 5, False),
                                                        (1, 1, False), (5, 6, False)])
def test_a_place_is_claimed_only_below_capacity(capacity, booked, ok):
    assert rule.can_claim(capacity, booked) is ok


@pytest.mark.parametrize(("audience", "kind", "ok"), [
    ("all", "mentor", True), ("mentor", "mentor", True), ("mentor", "mentee", False),
    ("mentee", "mentee", True), ("mentee", None, True),
])
def test_a_session_is_for_its_audience(audience, kind, ok):
    assert rule.is_for(audience, kind) is ok


def invitation(method: str = "REQUEST", sequence: int = 0, **changes) -> ics.Invitation:
    start = rule.from_local(datetime(2026, 10, 25, 10, 0), BRUSSELS)
    values = dict(
        uid="b1c2@duoforajob", method=method, sequence=sequence, starts_at=start,
        ends_at=start + timedelta(minutes=90), timezone=BRUSSELS, summary="Séance",
        description="Annuler : https://example.org/x", organizer_email="gent@example.org",
        organizer_name="DUO for a JOB Gent", location="Kortrijksesteenweg 1, Gent",
    )
    values.update(changes)
    return ics.Invitation(**values)


def parse(text: str) -> tuple[icalendar.Calendar, icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_invitation_reads_back_with_its_uid_sequence_and_venue_time_zone():
    calendar, event = parse(ics.build(invitation(), datetime(2026, 10, 1, tzinfo=UTC)))
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == "b1c2@duoforajob"
    assert event["SEQUENCE"] == 0
    assert event["DTSTART"].params["TZID"] == BRUSSELS
    assert event.decoded("DTSTART") == datetime(2026, 10, 25, 10, 0, tzinfo=ZoneInfo(BRUSSELS))
    assert event.decoded("DTSTART").astimezone(UTC) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == BRUSSELS
    assert str(event["LOCATION"]) == "Kortrijksesteenweg 1, Gent"
    assert str(event["ORGANIZER"]) == "mailto:gent@example.org"
    assert "ATTENDEE" not in event


def test_a_change_keeps_the_uid_and_raises_the_sequence():
    _, first = parse(ics.build(invitation(), datetime(2026, 10, 1, tzinfo=UTC)))
    later = invitation(sequence=1, starts_at=invitation().starts_at + timedelta(hours=1),
                       ends_at=invitation().ends_at + timedelta(hours=1))
    _, second = parse(ics.build(later, datetime(2026, 10, 2, tzinfo=UTC)))
    assert second["UID"] == first["UID"]
    assert second["SEQUENCE"] == first["SEQUENCE"] + 1


def test_an_online_session_carries_its_link_and_a_cancellation_says_cancel():
    calendar, event = parse(ics.build(
        invitation("CANCEL", 2, location=None, url="https://meet.example.org/duo"),
        datetime(2026, 10, 1, tzinfo=UTC),
    ))
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["URL"]) == "https://meet.example.org/duo"
    assert str(event["STATUS"]) == "CANCELLED"
    assert "LOCATION" not in event


SECRET = "test-secret"


def test_a_signed_link_reads_back_its_booking_and_version():
    token = links.make(SECRET, "cancel", 42, 3)
    assert links.read(SECRET, "cancel", token, current_version=3) == links.LinkData(42, 3)


def test_a_tampered_link_is_refused():
    token = links.make(SECRET, "cancel", 42, 3)
    with pytest.raises(links.LinkInvalid):
        links.read(SECRET, "cancel", token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1])
    with pytest.raises(links.LinkInvalid):
        links.read("another-secret", "cancel", token)


def test_a_link_for_one_purpose_does_not_work_for_another():
    with pytest.raises(links.LinkInvalid):
        links.read(SECRET, "move", links.make(SECRET, "cancel", 42, 3))


def test_a_used_or_superseded_link_stops_working():
    token = links.make(SECRET, "move", 42, 3)
    with pytest.raises(links.LinkUsed):
        links.read(SECRET, "move", token, current_version=4)


def test_an_expired_link_is_told_apart(monkeypatch):
    token = links.make(SECRET, "cancel", 42, 1)
    import time

    later = time.time() + links.MAX_AGE_SECONDS + 60
    monkeypatch.setattr(time, "time", lambda: later)
    with pytest.raises(links.LinkExpired):
        links.read(SECRET, "cancel", token)
