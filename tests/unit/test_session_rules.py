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


# --- What mutation testing showed untested ----------------------------------------------------


def test_an_invitation_reads_back_every_field_a_calendar_shows():
    stamp = datetime(2026, 10, 1, 12, 0, tzinfo=ZoneInfo(BRUSSELS))
    calendar, event = parse(ics.build(invitation(), stamp))
    assert str(calendar["PRODID"]) == ics.PRODID
    assert str(calendar["VERSION"]) == "2.0"
    assert event.decoded("DTSTAMP") == stamp.astimezone(UTC)
    assert event.decoded("DTSTAMP").utcoffset() == timedelta(0)
    assert event["DTEND"].params["TZID"] == BRUSSELS
    assert event.decoded("DTEND") == datetime(2026, 10, 25, 11, 30, tzinfo=ZoneInfo(BRUSSELS))
    assert str(event["SUMMARY"]) == "Séance"
    assert str(event["DESCRIPTION"]) == "Annuler : https://example.org/x"
    assert str(event["ORGANIZER"].params["CN"]) == "DUO for a JOB Gent"
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "URL" not in event


def test_the_time_zone_covers_the_year_of_the_event_with_both_offsets():
    calendar, _ = parse(ics.build(invitation(), datetime(2026, 10, 1, tzinfo=UTC)))
    [zone] = calendar.walk("VTIMEZONE")
    offsets = {c.decoded("TZOFFSETTO") for c in zone.subcomponents}
    assert offsets == {timedelta(hours=1), timedelta(hours=2)}
    starts = sorted(c.decoded("DTSTART").year for c in zone.subcomponents)
    assert starts[0] <= 2026 <= starts[-1]


def test_an_unknown_calendar_method_is_refused():
    with pytest.raises(ValueError, match="PUBLISH"):
        ics.build(invitation("PUBLISH"), datetime(2026, 10, 1, tzinfo=UTC))


def test_a_link_for_an_unknown_purpose_is_a_programming_error():
    with pytest.raises(ValueError, match="delete"):
        links.make(SECRET, "delete", 42, 1)
    with pytest.raises(ValueError, match="delete"):
        links.read(SECRET, "delete", "token")


def test_a_link_is_signed_with_one_salt_per_purpose_and_carries_two_whole_numbers():
    from itsdangerous import URLSafeTimedSerializer

    ours = URLSafeTimedSerializer(SECRET, salt="booking-cancel")
    assert links.read(SECRET, "cancel", ours.dumps([42, 3])) == links.LinkData(42, 3)
    for payload in (["42", 3], [42, "3"], [42], [42, 3, 4], {"id": 42}, 42):
        with pytest.raises(links.LinkInvalid):
            links.read(SECRET, "cancel", ours.dumps(payload))


def test_without_the_bookings_version_any_version_reads():
    token = links.make(SECRET, "view", 7, 9)
    assert links.read(SECRET, "view", token) == links.LinkData(7, 9)


def test_a_link_still_works_until_its_age_limit(monkeypatch):
    import time

    token = links.make(SECRET, "cancel", 42, 1)
    assert links.MAX_AGE_SECONDS == 120 * 24 * 3600
    later = time.time() + links.MAX_AGE_SECONDS - 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert links.read(SECRET, "cancel", token).booking_id == 42


def test_a_reminder_due_at_this_very_moment_is_not_sent_late():
    start = datetime(2026, 12, 10, 13, 0, tzinfo=UTC)
    assert rule.reminder_times(start, start - timedelta(days=2)) == [start - timedelta(hours=2)]
    assert rule.REMINDERS == (timedelta(days=2), timedelta(hours=2))


def test_the_date_in_words_falls_back_to_french_for_another_language():
    start = rule.from_local(datetime(2026, 12, 3, 14, 0), "Europe/Paris")
    end = start + timedelta(minutes=90)
    assert rule.when_in_words(start, end, "Europe/Paris", "de") == (
        rule.when_in_words(start, end, "Europe/Paris", "fr")
    )


def test_a_session_for_everyone_is_for_every_kind_and_the_audiences_are_three():
    assert rule.AUDIENCES == ("mentor", "mentee", "all")
    assert all(rule.is_for("all", kind) for kind in ("mentor", "mentee", None))
    assert not rule.is_for("mentee", "mentor")


def test_moments_are_in_utc_whatever_the_machines_own_time_zone(monkeypatch):
    import time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        moment = rule.from_local(datetime(2026, 12, 3, 14, 0), BRUSSELS)
        assert moment.utcoffset() == timedelta(0)
        text = ics.build(invitation(), datetime(2026, 10, 1, 12, 0, tzinfo=UTC))
        assert "DTSTAMP:20261001T120000Z" in text.replace("\r\n", "\n").splitlines()
    finally:
        monkeypatch.undo()
        time.tzset()
