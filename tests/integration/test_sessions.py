"""Information sessions on SQLite and on a real PostgreSQL: simultaneous bookings never
overbook, the waiting list, reminders under a controlled clock, staff changes, the signed
links, attendance, and every e-mail delivered exactly once to a real SMTP server."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from apply_support import ApplicationActions, make_app
from flask import Flask
from localservers import SmtpServer
from sqlalchemy import func, select
from staff_support import csrf_of, signed_in

from forms_service.extensions import db
from forms_service.mail.outbox import send_pending
from forms_service.models import Application, Booking, InfoSession, OutboxMessage
from forms_service.services import sessions as service
from sitedata import load_default

pytestmark = pytest.mark.integration


def add_session(app: Flask, branch: str = "ghent", capacity: int = 5, days: int = 10,
                **options: str) -> int:
    start = (datetime.now() + timedelta(days=days)).strftime("%Y-%m-%dT14:00")
    args = ["sessions", "add", "--branch", branch, "--start", start, "--capacity", str(capacity),
            "--audience", options.get("audience", "all"), "--lang", options.get("lang", "nl")]
    args += ["--online", options["online"]] if "online" in options else \
        ["--place", options.get("place", "Kortrijksesteenweg 1, 9000 Gent")]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return int(result.output.strip())


def book_by_form(app: Flask, session_id: int, email: str, lang: str = "nl",
                 waiting_list: bool = False):  # type: ignore[no-untyped-def]
    client = app.test_client()
    page = client.get(f"/{lang}/sessions/{session_id}/book")
    data = {"name": "Sara Janssens", "email": email, "consent": "y",
            "csrf_token": csrf_of(page.text)}
    if waiting_list:
        data["waiting_list"] = "1"
    return client, client.post(f"/{lang}/sessions/{session_id}/book", data=data)


def booking_rows(app: Flask) -> list[tuple[str, str]]:
    with app.app_context():
        return [(b.email, b.status) for b in db.session.scalars(
            select(Booking).order_by(Booking.id))]


def places_taken(app: Flask, session_id: int) -> int:
    with app.app_context():
        value = db.session.get(InfoSession, session_id).booked
        db.session.remove()
        return value


def test_fifty_simultaneous_bookings_fill_a_five_place_session_exactly(app):
    session_id = add_session(app, capacity=5)
    site = load_default()
    start = threading.Barrier(50)
    outcomes: list[str] = []
    lock = threading.Lock()

    def one(i: int) -> None:
        # Each thread its own request (the e-mails' links) and its own database connection.
        with app.test_request_context():
            start.wait()
            try:
                service.book(db.session, site, service.BookingInput(
                    session_id=session_id, name=f"Person {i}", email=f"p{i}@example.org",
                    lang="fr"), datetime.now(UTC))
                outcome = "confirmed"
            except service.Full:
                outcome = "full"
            finally:
                db.session.remove()
            with lock:
                outcomes.append(outcome)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["confirmed"] * 5 + ["full"] * 45
    assert places_taken(app, session_id) == 5
    assert [s for _, s in booking_rows(app)] == ["confirmed"] * 5
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "session_booked")) == 5


def test_one_booking_per_person_per_session(app):
    session_id = add_session(app)
    _, first = book_by_form(app, session_id, "sara@example.org")
    _, again = book_by_form(app, session_id, "SARA@example.org")
    assert first.status_code == again.status_code == 303
    assert booking_rows(app) == [("sara@example.org", "confirmed")]
    assert places_taken(app, session_id) == 1


def test_a_full_session_offers_its_waiting_list_and_a_freed_place_goes_to_the_first_in_line(app):
    session_id = add_session(app, capacity=1)
    first_client, first = book_by_form(app, session_id, "first@example.org")
    _, refused = book_by_form(app, session_id, "second@example.org")
    assert refused.status_code == 409
    # Offered the waiting list: the form now asks for a place in line.
    assert 'name="waiting_list" value="1"' in refused.text
    _, waiting = book_by_form(app, session_id, "second@example.org", waiting_list=True)
    _, third = book_by_form(app, session_id, "third@example.org", waiting_list=True)
    assert booking_rows(app) == [("first@example.org", "confirmed"),
                                 ("second@example.org", "waiting"),
                                 ("third@example.org", "waiting")]
    # The first person cancels from their page: the place goes to the second in line.
    booked = first_client.get(first.headers["Location"])
    cancel = re.search(r'href="(/nl/sessions/cancel/[^"]+)"', booked.text).group(1)
    confirm = first_client.get(cancel)
    assert confirm.status_code == 200  # a page that asks first: nothing cancelled yet
    assert booking_rows(app)[0] == ("first@example.org", "confirmed")
    done = first_client.post(cancel, data={"csrf_token": csrf_of(confirm.text)})
    assert done.status_code == 200
    assert booking_rows(app) == [("first@example.org", "cancelled"),
                                 ("second@example.org", "confirmed"),
                                 ("third@example.org", "waiting")]
    assert places_taken(app, session_id) == 1
    with app.app_context():
        kinds = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.kind)
                                   .order_by(OutboxMessage.id)).all()
    assert ("second@example.org", "session_booked") in [tuple(k) for k in kinds]
    # The used link no longer works.
    assert first_client.post(cancel, data={"csrf_token": csrf_of(confirm.text)}).status_code \
        == 410


def test_a_place_freed_within_24_hours_is_not_handed_to_the_waiting_list(app):
    session_id = add_session(app, capacity=1, days=10)
    site = load_default()
    with app.test_request_context():
        now = datetime.now(UTC)
        first = service.book(db.session, site, service.BookingInput(
            session_id=session_id, name="A", email="a@example.org", lang="fr"), now)
        service.book(db.session, site, service.BookingInput(
            session_id=session_id, name="B", email="b@example.org", lang="fr",
            waiting_list=True), now)
        start = db.session.get(InfoSession, session_id).starts_at
        service.cancel_booking(db.session, site, first, start - timedelta(hours=20))
        db.session.remove()
    assert booking_rows(app) == [("a@example.org", "cancelled"), ("b@example.org", "waiting")]
    assert places_taken(app, session_id) == 0


def test_reminders_go_when_due_each_exactly_once_with_the_invitation_first(database_url):
    smtp = SmtpServer()
    smtp.start()
    try:
        app = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        session_id = add_session(app, days=10, lang="fr")
        _, booked = book_by_form(app, session_id, "sara@example.org", lang="fr")
        assert booked.status_code == 303
        with app.app_context():
            start = db.session.get(InfoSession, session_id).starts_at
            assert send_pending()["sent"] == 1  # the confirmation; the reminders wait
            [confirmation] = smtp.inbox.messages
            parts = {p.get_content_type(): p for p in confirmation.walk()}
            assert "text/calendar" in parts
            calendar = icalendar.Calendar.from_ical(parts["text/calendar"].get_content())
            assert calendar["METHOD"] == "REQUEST"
            assert parts["text/calendar"].get_param("method") == "REQUEST"
            assert send_pending(now=start - timedelta(days=2, minutes=5))["sent"] == 0
            assert send_pending(now=start - timedelta(days=2) + timedelta(minutes=1))["sent"] == 1
            assert send_pending(now=start - timedelta(days=1))["sent"] == 0
            assert send_pending(now=start - timedelta(hours=2) + timedelta(minutes=1))["sent"] == 1
            assert send_pending(now=start)["sent"] == 0
        assert [m["To"] for m in smtp.inbox.messages] == ["sara@example.org"] * 3
        assert "Rappel" in smtp.inbox.messages[1]["Subject"] or \
            "Reminder" in smtp.inbox.messages[1]["Subject"]
    finally:
        smtp.stop()


def test_cancelling_withdraws_the_pending_reminders(app):
    session_id = add_session(app)
    client, booked = book_by_form(app, session_id, "sara@example.org")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "session_reminder")) == 2
    cancel = re.search(r'href="(/nl/sessions/cancel/[^"]+)"',
                       client.get(booked.headers["Location"]).text).group(1)
    client.post(cancel, data={"csrf_token": csrf_of(client.get(cancel).text)})
    with app.app_context():
        kinds = db.session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
        calendars = db.session.scalars(select(OutboxMessage.ics_method).where(
            OutboxMessage.kind == "booking_cancelled")).all()
    assert "session_reminder" not in kinds
    assert calendars == ["CANCEL"]


def test_staff_changes_reach_everyone_booked_with_a_higher_sequence(app):
    coordinator = signed_in(app, "gent@example.org", "coordinator", "--branch", "ghent")
    session_id = add_session(app)
    book_by_form(app, session_id, "a@example.org")
    book_by_form(app, session_id, "b@example.org")
    page = f"/staff/sessions/{session_id}/"
    html = coordinator.get(page).text
    day = re.search(r'name="day" type="date" value="([^"]+)"', html).group(1)
    answer = coordinator.post(page, {
        "action": "change", "branch": "ghent", "day": day, "time": "16:00", "minutes": "90",
        "capacity": "5", "audience": "all", "lang": "nl", "format": "place",
        "place": "Kortrijksesteenweg 1, 9000 Gent",
    }, page=page)
    assert answer.status_code == 303
    with app.app_context():
        changed = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "session_changed")).all()
        assert sorted(m.recipient for m in changed) == ["a@example.org", "b@example.org"]
        for m in changed:
            event = icalendar.Calendar.from_ical(m.ics).walk("VEVENT")[0]
            assert event["SEQUENCE"] == 1
            assert event.decoded("DTSTART").hour == 16
    coordinator.post(f"/staff/sessions/{session_id}/cancel", {}, page=page)
    with app.app_context():
        cancelled = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "session_cancelled")).all()
        assert sorted(m.recipient for m in cancelled) == ["a@example.org", "b@example.org"]
        assert {m.ics_method for m in cancelled} == {"CANCEL"}
        assert db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == "session_reminder", OutboxMessage.status == "pending")) == 0


def test_another_branchs_session_answers_404_to_a_coordinator(app):
    coordinator = signed_in(app, "gent@example.org", "coordinator", "--branch", "ghent")
    theirs = add_session(app, branch="antwerp")
    assert coordinator.get(f"/staff/sessions/{theirs}/").status_code == 404
    token = csrf_of(coordinator.get("/staff/sessions/").text)
    assert coordinator.client.post(f"/staff/sessions/{theirs}/cancel",
                                   data={"csrf_token": token}).status_code == 404
    assert coordinator.client.post(f"/staff/sessions/{theirs}/attendance/1",
                                   data={"csrf_token": token, "present": "1"}).status_code == 404
    assert f"/staff/sessions/{theirs}/" not in coordinator.get("/staff/sessions/").text


def test_booking_from_the_thank_you_page_links_the_application_and_presence_moves_it_on(app):
    coordinator = signed_in(app, "gent@example.org", "coordinator", "--branch", "ghent")
    session_id = add_session(app, audience="mentee")
    client = app.test_client()
    sent = ApplicationActions(client).submit("mentee", "nl", country="BE", postcode="9000",
                                             phone="0470 12 34 56", birth_year="2002")
    thanks = client.get(sent.headers["Location"])
    token = re.search(r'name="application" value="([^"]+)"', thanks.text).group(1)
    booked = client.post(f"/nl/sessions/{session_id}/book",
                         data={"application": token, "csrf_token": csrf_of(thanks.text)})
    assert booked.status_code == 303
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        application = db.session.scalars(select(Application)).one()
        assert booking.application_id == application.id
        assert booking.email == application.email
        reference = application.reference
    page = coordinator.get(f"/staff/sessions/{session_id}/").text
    assert reference in page
    coordinator.post(f"/staff/sessions/{session_id}/attendance/{booking.id}", {"present": "1"},
                     page=f"/staff/sessions/{session_id}/")
    with app.app_context():
        assert db.session.scalars(select(Application)).one().status == "information_session"


def test_a_booking_made_before_applying_is_linked_when_the_application_arrives(app):
    session_id = add_session(app)
    book_by_form(app, session_id, "amina@example.org")
    ApplicationActions(app.test_client()).submit("mentee", "nl", country="BE", postcode="9000",
                                                 phone="0470 12 34 56", birth_year="2002")
    with app.app_context():
        booking = db.session.scalars(select(Booking)).one()
        application = db.session.scalars(select(Application)).one()
        assert booking.application_id == application.id


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_tampered_link_gets_a_clear_page_in_the_persons_language(client, lang):
    answer = client.get(f"/{lang}/sessions/cancel/not-a-real-token/")
    assert answer.status_code == 400
    assert f'<html lang="{lang}">' in answer.text
    assert f'href="/{lang}/sessions/"' in answer.text


def test_the_public_list_shows_places_left_and_full_sessions_and_no_online_link(app):
    open_id = add_session(app, capacity=3)
    full_id = add_session(app, capacity=1, days=11, online="https://meet.example.org/secret")
    book_by_form(app, full_id, "a@example.org")
    page = app.test_client().get("/en/sessions/?branch=ghent").text
    assert f"/en/sessions/{open_id}/book" in page and f"/en/sessions/{full_id}/book" in page
    assert "3 places left" in page
    assert "meet.example.org" not in page
    assert "Full" in page or "full" in page


def test_moving_a_booking_takes_the_new_place_and_gives_back_the_old(app):
    first = add_session(app, capacity=2, days=10)
    second = add_session(app, capacity=2, days=12)
    client, booked = book_by_form(app, first, "sara@example.org")
    page = client.get(booked.headers["Location"]).text
    move = re.search(r'href="(/nl/sessions/move/[^"]+)"', page).group(1)
    form = client.get(move)
    assert f'value="{second}"' in form.text
    moved = client.post(move, data={"session_id": str(second), "csrf_token": csrf_of(form.text)})
    assert moved.status_code == 303
    assert places_taken(app, first) == 0
    assert places_taken(app, second) == 1
    assert booking_rows(app) == [("sara@example.org", "cancelled"),
                                 ("sara@example.org", "confirmed")]
    with app.app_context():
        methods = db.session.execute(select(OutboxMessage.kind, OutboxMessage.ics_method)
                                     .where(OutboxMessage.ics_method.is_not(None))
                                     .order_by(OutboxMessage.id)).all()
    assert [tuple(m) for m in methods] == [("session_booked", "REQUEST"),
                                           ("session_booked", "REQUEST"),
                                           ("booking_cancelled", "CANCEL")]
    # The old move link is used up.
    assert client.get(move).status_code == 410


def test_a_stale_cancellation_cannot_undo_a_promotion(app):
    """Someone waiting opens their cancel link; meanwhile a place frees and they get it. Their
    cancellation, read before, must not write the old state back (places miscounted)."""
    session_id = add_session(app, capacity=1)
    site = load_default()
    with app.test_request_context():
        now = datetime.now(UTC)
        first = service.book(db.session, site, service.BookingInput(
            session_id=session_id, name="A", email="a@example.org", lang="fr"), now)
        waiting = service.book(db.session, site, service.BookingInput(
            session_id=session_id, name="B", email="b@example.org", lang="fr",
            waiting_list=True), now)
        first_id, waiting_id = first.id, waiting.id
        db.session.remove()
    with app.test_request_context():
        from forms_service.extensions import db as database

        stale_session = database.new_session()
        stale = stale_session.get(Booking, waiting_id)  # read while still waiting
        service.cancel_booking(db.session, site, db.session.get(Booking, first_id),
                               datetime.now(UTC))
        with pytest.raises(service.BookingChanged):
            service.cancel_booking(stale_session, site, stale, datetime.now(UTC))
        stale_session.close()
        db.session.remove()
    assert booking_rows(app) == [("a@example.org", "cancelled"), ("b@example.org", "confirmed")]
    assert places_taken(app, session_id) == 1


def test_the_list_of_every_branch_shows_each_branch_and_links_to_its_full_list(app):
    for day in range(5):
        add_session(app, branch="ghent", days=3 + day)
    later = add_session(app, branch="aalst", days=40)
    page = app.test_client().get("/en/sessions/").text
    assert page.count("/en/sessions/") >= 1
    assert f"/en/sessions/{later}/book" in page  # not pushed off by Ghent's sessions
    assert 'href="/en/sessions/?branch=ghent"' in page
    assert page.count('class="session"') == 3 + 1
    full = app.test_client().get("/en/sessions/?branch=ghent").text
    assert full.count('class="session"') == 5
