"""Information sessions in Chromium, on a real server (SQLite) that delivers its e-mail to a
real SMTP server (aiosmtpd): a young person applies in Dutch and books from the thank-you
page, finds the invitation, cancels by the e-mailed link and the first person waiting gets the
place; booking and cancelling by keyboard alone at 360 px; axe-core on every state of the
public pages and of the workspace's session pages in the three languages; dates in words."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from unittest import mock

import icalendar
import pytest
from apply_support import fill_in
from flask import Flask
from localservers import HOST, SmtpInbox, SmtpServer, free_port
from sqlalchemy import select
from workspace_support import (
    axe_violations,
    focus_state,
    live_app,
    page_overflow,
    serving,
    text_of,
)

LANGS = ("fr", "nl", "en")
LOCALES = {"fr": "fr-BE", "nl": "nl-BE", "en": "en-GB"}
SECRET = "sessions-e2e"
GHENT = {"fr": "Gand", "nl": "Gent", "en": "Ghent"}
PLACE = "Kortrijksesteenweg 1, 9000 Gent"
# The language spoken at a session, named in the page's language.
SPOKEN = {"fr": "En français", "nl": "In het Nederlands", "en": "In English"}

# The date in words, spelled here rather than asked of Babel, as a reader expects it.
WEEKDAYS = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "nl": ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}


def in_words(day: date, lang: str) -> str:
    """'woensdag 2 december 2026', 'mercredi 2 décembre 2026', 'Wednesday, 2 December 2026'."""
    weekday, month = WEEKDAYS[lang][day.weekday()], MONTHS[lang][day.month - 1]
    return f"{weekday}{',' if lang == 'en' else ''} {day.day} {month} {day.year}"


# -- the servers ---------------------------------------------------------------------------


@dataclass
class Service:
    """The service on a port of its own, its database, and the SMTP server it delivers to."""

    app: Flask
    base: str
    inbox: SmtpInbox

    def cli(self, *args: str) -> str:
        result = self.app.test_cli_runner().invoke(args=list(args))
        assert result.exit_code == 0, result.output
        return result.output.strip()

    def add_session(self, branch: str = "ghent", days: int = 10, capacity: int = 5,
                    audience: str = "all", lang: str = "nl", online: str | None = None) -> int:
        """`flask sessions add` as an operator types it, at 14:00 in `days` days."""
        start = (datetime.now() + timedelta(days=days)).strftime("%Y-%m-%dT14:00")
        where = ["--online", online] if online else ["--place", PLACE]
        return int(self.cli("sessions", "add", "--branch", branch, "--start", start,
                            "--minutes", "90", "--capacity", str(capacity),
                            "--audience", audience, "--lang", lang, *where))

    def deliver(self) -> int:
        """What the outbox sender does on its next pass; how many messages went."""
        from forms_service.mail.outbox import send_pending

        with self.app.app_context():
            return send_pending()["sent"]

    def bookings(self, session_id: int) -> dict[str, str]:
        """Each person's booking of a session: e-mail -> status."""
        from forms_service.extensions import db
        from forms_service.models import Booking

        with self.app.app_context():
            rows = db.session.scalars(select(Booking).where(Booking.session_id == session_id))
            found = {b.email: b.status for b in rows}
            db.session.remove()
        return found

    def booking(self, address: str) -> Any:
        from forms_service.extensions import db
        from forms_service.models import Booking

        with self.app.app_context():
            row = db.session.scalars(select(Booking).where(Booking.email == address)).one()
            db.session.expunge(row)
            db.session.remove()
        return row

    def places_taken(self, session_id: int) -> int:
        from forms_service.extensions import db
        from forms_service.models import InfoSession

        with self.app.app_context():
            taken = db.session.get(InfoSession, session_id).booked
            db.session.remove()
        return taken

    def book(self, session_id: int, address: str, waiting_list: bool = False) -> None:
        """Someone else books a place (a plain HTTP client, not the browser under test)."""
        client = self.app.test_client()
        page = client.get(f"/nl/sessions/{session_id}/book").text
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        data = {"name": "Sara Janssens", "email": address, "consent": "y", "csrf_token": token}
        if waiting_list:
            data["waiting_list"] = "1"
        answer = client.post(f"/nl/sessions/{session_id}/book", data=data)
        assert answer.status_code == 303, answer.text[:500]


@pytest.fixture
def service(tmp_path: Path, smtp: SmtpServer) -> Iterator[Service]:
    """A fresh database and server per test, as `make serve` runs the service, with SMTP."""
    smtp.inbox.messages.clear()
    port = free_port()
    base = f"http://{HOST}:{port}"
    app = live_app(tmp_path / "forms.sqlite3", base, smtp, SECRET)
    with serving(app, port):
        yield Service(app, base, smtp.inbox)


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Opens a page in a fresh browser profile in `lang`; `axe` lets the test inject axe-core
    past the CSP (tests/e2e/test_csp.py checks the pages themselves need no such exception).
    The profiles are closed after the test."""
    contexts: list[Any] = []

    def open_page(lang: str, width: int = 1280, axe: bool = False) -> Any:
        context = browser.new_context(locale=LOCALES[lang], bypass_csp=axe,
                                      viewport={"width": width, "height": 900})
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


# -- what the tests read -------------------------------------------------------------------


def tab_until(page: Any, wanted: Any, limit: int = 80) -> dict[str, Any]:
    """Press Tab until `wanted(focus)` holds, checking on the way that every stop shows its
    focus in the window; returns the focus found."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = focus_state(page)
        if focus["tag"] != "body":
            assert focus["indicated"] and focus["inView"], focus
        if wanted(focus):
            return focus
    raise AssertionError("Tab never reached the element")


def calendar_of(message: EmailMessage) -> icalendar.Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_content())


def link_in(message: EmailMessage, purpose: str, base: str, lang: str) -> str:
    """The signed link of `purpose` (cancel, move) in an e-mail, on the server under test."""
    found = re.search(rf"{re.escape(base)}/{lang}/sessions/{purpose}/[^\s\"<>]+/", text_of(message))
    assert found, text_of(message)
    return found.group(0)


# -- a young person, in Dutch ------------------------------------------------------------


def test_a_young_person_books_from_the_thank_you_page_and_cancels_by_the_emailed_link(
    new_page: Callable[..., Any], service: Service
) -> None:
    """The one place goes to the young person; Sara joins the waiting list; when the young
    person cancels by the link in the invitation e-mail, Sara gets the place and is told."""
    session_id = service.add_session(capacity=1, audience="mentee", days=12)
    day = (datetime.now() + timedelta(days=12)).date()
    page = new_page("nl")

    page.goto(f"{service.base}/nl/apply/mentee/")
    fill_in(page, "mentee", first_name="Amina", last_name="Claes", email="amina@example.org",
            country="BE", postcode="9000", phone="0470 12 34 56", birth_year="2002")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/nl/apply/mentee/thanks/DUO-[A-Z0-9]{6}/$"))
    assert service.deliver() == 2  # the application's confirmation and the branch's notice
    service.inbox.messages.clear()
    offer = page.locator("section.session-offer")
    # The Ghent session the applicant was routed to, its date in Dutch words, one button.
    assert in_words(day, "nl") in offer.inner_text()
    assert GHENT["nl"] in offer.inner_text()
    buttons = offer.locator(f'form[action="/nl/sessions/{session_id}/book"] button')
    assert buttons.count() == 1
    buttons.click()
    page.wait_for_url(re.compile(r"/nl/sessions/booked/[^/]+/$"))
    assert page.locator("html").get_attribute("lang") == "nl"
    assert in_words(day, "nl") in page.inner_text("main")
    assert service.bookings(session_id) == {"amina@example.org": "confirmed"}

    # Full now: Sara, on the list, is offered the waiting list and joins it.
    other = new_page("nl")
    other.goto(f"{service.base}/nl/sessions/?branch=ghent")
    other.click(f'li.session a.button[href="/nl/sessions/{session_id}/book"]')
    other.wait_for_url(re.compile(rf"/nl/sessions/{session_id}/book$"))
    assert other.locator('input[name="waiting_list"]').get_attribute("value") == "1"
    other.fill("#name", "Sara Janssens")
    other.fill("#email", "sara@example.org")
    other.check("#consent")
    other.click("main form button[type=submit]")
    other.wait_for_url(re.compile(r"/nl/sessions/booked/[^/]+/$"))
    assert service.bookings(session_id) == {"amina@example.org": "confirmed",
                                            "sara@example.org": "waiting"}

    # The invitation at the SMTP server: a calendar request at the venue's time zone.
    assert service.deliver() == 2  # Amina's invitation and Sara's waiting-list note
    [invitation] = service.inbox.to("amina@example.org")
    calendar = calendar_of(invitation)
    assert calendar["METHOD"] == "REQUEST"
    [event] = calendar.walk("VEVENT")
    uid = service.booking("amina@example.org").uid
    assert str(event["UID"]) == uid
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert event.decoded("DTSTART").hour == 14 and event.decoded("DTSTART").date() == day
    assert [str(z["TZID"]) for z in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    assert str(event["LOCATION"]) == PLACE
    assert "ATTENDEE" not in event

    # Amina opens the cancel link of her e-mail: a page asks first, nothing is cancelled yet.
    cancel = link_in(invitation, "cancel", service.base, "nl")
    page.goto(cancel)
    assert in_words(day, "nl") in page.inner_text("main")
    assert service.bookings(session_id)["amina@example.org"] == "confirmed"
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert page.url == cancel  # the answer to the confirmation, on the same address
    assert service.bookings(session_id) == {"amina@example.org": "cancelled",
                                            "sara@example.org": "confirmed"}
    assert service.places_taken(session_id) == 1

    # Both are told: Amina's calendar drops the event (same UID), Sara gets her invitation.
    assert service.deliver() == 2
    [_, removal] = service.inbox.to("amina@example.org")
    removed = calendar_of(removal)
    assert removed["METHOD"] == "CANCEL"
    assert str(removed.walk("VEVENT")[0]["UID"]) == uid
    [note, promoted] = service.inbox.to("sara@example.org")
    assert "text/calendar" not in [p.get_content_type() for p in note.walk()]
    assert calendar_of(promoted)["METHOD"] == "REQUEST"
    assert str(calendar_of(promoted).walk("VEVENT")[0]["UID"]) == \
        service.booking("sara@example.org").uid

    # The used link no longer works, and says so.
    page.goto(cancel)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.locator('main a[href="/nl/sessions/"]').count() == 1


# -- by keyboard alone, on a phone's width ---------------------------------------------


def test_booking_and_cancelling_work_by_keyboard_alone_at_360_px(
    new_page: Callable[..., Any], service: Service
) -> None:
    session_id = service.add_session(capacity=3, lang="fr")
    page = new_page("fr", width=360)
    page.goto(f"{service.base}/fr/sessions/?branch=ghent")
    assert page_overflow(page) == 0
    tab_until(page, lambda f: f["href"] == f"/fr/sessions/{session_id}/book")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/fr/sessions/{session_id}/book$"))
    assert page_overflow(page) == 0

    # Sent empty: the focus goes to the error summary; its first link leads to the name.
    tab_until(page, lambda f: f["type"] == "submit")
    page.keyboard.press("Enter")
    page.wait_for_selector(".error-summary")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page_overflow(page) == 0
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#name"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "name"
    page.keyboard.type("Yasmine El Idrissi")
    tab_until(page, lambda f: f["id"] == "email")
    page.keyboard.type("yasmine@example.org")
    tab_until(page, lambda f: f["id"] == "consent")
    page.keyboard.press("Space")
    tab_until(page, lambda f: f["type"] == "submit")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fr/sessions/booked/[^/]+/$"))
    assert service.bookings(session_id) == {"yasmine@example.org": "confirmed"}
    assert page_overflow(page) == 0

    # From the booked page to the question, then the answer, with Tab and Enter only.
    tab_until(page, lambda f: "/fr/sessions/cancel/" in f["href"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fr/sessions/cancel/[^/]+/$"))
    assert page_overflow(page) == 0
    assert service.bookings(session_id) == {"yasmine@example.org": "confirmed"}
    tab_until(page, lambda f: f["type"] == "submit")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    page.wait_for_selector("main .panel h1")
    assert service.bookings(session_id) == {"yasmine@example.org": "cancelled"}
    assert service.places_taken(session_id) == 0
    assert page_overflow(page) == 0
    # The way on: back to the sessions, by keyboard too.
    tab_until(page, lambda f: f["href"] == "/fr/sessions/" and "button" in f["className"])
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/fr/sessions/$"))


# -- axe-core on every state, in the three languages -----------------------------------


def sign_in_as_coordinator(service: Service, context: Any, lang: str) -> None:
    """A Ghent coordinator who works in `lang`, signed in with both factors (test client),
    whose session cookie the browser then carries, with the browser's own user agent."""
    from staff_support import StaffMember, add_staff

    address = f"coordinator.{lang}@example.org"
    link = add_staff(service.app, address, "coordinator", "--branch", "ghent", "--lang", lang)
    person = StaffMember(service.app.test_client(), address)
    agent = context.new_page()
    person.client.environ_base["HTTP_USER_AGENT"] = agent.evaluate("navigator.userAgent")
    agent.close()
    assert person.set_password(link).status_code == 302
    assert person.sign_in().status_code == 302
    cookie = person.client.get_cookie("session")
    assert cookie is not None
    context.add_cookies([{"name": "session", "value": cookie.value, "url": service.base}])


def expired_link(service: Service, address: str, purpose: str) -> str:
    """A link signed by the service for the booking, 200 days ago (links live 120 days)."""
    from itsdangerous import TimestampSigner

    from forms_service.domain import links

    booking = service.booking(address)
    then = int(time.time()) - 200 * 24 * 3600
    with mock.patch.object(TimestampSigner, "get_timestamp", lambda self: then):
        return links.make(SECRET, purpose, booking.id, booking.link_version)


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violation_on_any_session_page_in_each_language(
    new_page: Callable[..., Any], service: Service, axe_script: Path, lang: str
) -> None:
    open_id = service.add_session(capacity=5, lang=lang, days=9)
    last_id = service.add_session(capacity=1, lang=lang, days=10, audience="mentee")
    full_id = service.add_session(capacity=1, lang=lang, days=11,
                                  online="https://meet.example.org/duo")
    service.book(full_id, "first@example.org")
    quick_id = service.add_session(capacity=1, lang=lang, days=13)
    page = new_page(lang, axe=True)
    seen: list[str] = []

    def check(state: str) -> None:
        assert page.locator("html").get_attribute("lang") == lang, state
        assert axe_violations(page, axe_script) == [], state
        seen.append(state)

    base = f"{service.base}/{lang}/sessions/"
    page.goto(base)
    # Dates in words, in the page's language, at the venue's time.
    for days in (9, 10, 11):
        day = (datetime.now() + timedelta(days=days)).date()
        assert f"{in_words(day, lang)}, 14:00" in page.inner_text("main")
    assert SPOKEN[lang] in page.locator("li.session").first.inner_text()
    check("list")
    page.goto(base + "?branch=ghent&audience=mentee")
    assert page.locator("li.session").count() == 4
    check("list filtered")
    page.goto(base + "?branch=lyon")
    assert page.locator("li.session").count() == 0
    check("list with no session")

    page.goto(f"{base}{open_id}/book")
    check("book form")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    check("book form with errors")
    page.fill("#name", "Nadia Benali")
    page.fill("#email", f"nadia.{lang}@example.org")
    page.check("#consent")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/sessions/booked/"))
    check("booked")
    booked_page = page.url

    page.click(f'main a[href^="/{lang}/sessions/move/"]')
    page.wait_for_url(re.compile(r"/sessions/move/"))
    check("move")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".error-summary")
    check("move with an error")
    page.goto(booked_page)
    page.click(f'main a[href^="/{lang}/sessions/cancel/"]')
    page.wait_for_url(re.compile(r"/sessions/cancel/"))
    check("cancel confirmation")
    cancel_page = page.url
    page.click("main form button[type=submit]")
    page.wait_for_selector("main .panel h1")
    check("cancelled")
    page.goto(cancel_page)
    check("bad link: used")
    page.goto(f"{base}cancel/{cancel_page.rstrip('/').rsplit('/', 1)[1][:-3]}abc/")
    check("bad link: altered")
    page.goto(f"{base}move/{expired_link(service, f'nadia.{lang}@example.org', 'move')}/")
    check("bad link: expired")

    page.goto(f"{base}{full_id}/book")
    assert page.locator('input[name="waiting_list"]').get_attribute("value") == "1"
    check("book form of a full session")
    page.fill("#name", "Omar Haddad")
    page.fill("#email", f"omar.{lang}@example.org")
    page.check("#consent")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/sessions/booked/"))
    assert service.bookings(full_id)[f"omar.{lang}@example.org"] == "waiting"
    check("waiting list")

    # The last place goes while the form is open: the answer offers the waiting list.
    page.goto(f"{base}{last_id}/book")
    page.fill("#name", "Karim Mansour")
    page.fill("#email", f"karim.{lang}@example.org")
    page.check("#consent")
    service.book(last_id, "quicker@example.org")
    page.click("main form button[type=submit]")
    page.wait_for_selector('input[name="waiting_list"][value="1"]', state="attached")
    assert service.bookings(last_id) == {"quicker@example.org": "confirmed"}
    check("book form, full meanwhile")

    # The thank-you page's offer, after an application in this language.
    from apply_support import ApplicationActions

    sent = ApplicationActions(service.app.test_client()).submit(
        "mentee", lang, email=f"amina.{lang}@example.org", country="BE", postcode="9000",
        phone="0470 12 34 56", birth_year="2002")
    page.goto(service.base + sent.headers["Location"])
    assert page.locator("section.session-offer form").count() >= 1
    check("thank-you page with the offer")
    # Its last place goes before the click: the answer offers the waiting list, one click.
    service.book(quick_id, "sooner@example.org")
    page.click(f'section.session-offer form[action="/{lang}/sessions/{quick_id}/book"] button')
    page.wait_for_selector('main form input[name="application"]', state="attached")
    check("thank-you booking, full meanwhile")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r"/sessions/booked/"))
    assert service.bookings(quick_id)[f"amina.{lang}@example.org"] == "waiting"
    check("waiting list, from the thank-you page")

    assert len(seen) == 19


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violation_on_the_workspace_session_pages_in_each_language(
    new_page: Callable[..., Any], service: Service, axe_script: Path, lang: str
) -> None:
    """The sessions' list and a session's page with its attendance list, for a Ghent
    coordinator who works in `lang`."""
    session_id = service.add_session(capacity=2, lang=lang)
    service.add_session(capacity=2, lang=lang, days=12, online="https://meet.example.org/duo")
    service.book(session_id, "first@example.org")
    service.book(session_id, "second@example.org")
    service.book(session_id, "third@example.org", waiting_list=True)
    page = new_page(lang, axe=True)
    sign_in_as_coordinator(service, page.context, lang)
    page.goto(f"{service.base}/staff/sessions/")
    assert page.locator(f'a[href="/staff/sessions/{session_id}/"]').count() == 1
    assert page.locator("html").get_attribute("lang") == lang
    assert axe_violations(page, axe_script) == [], "sessions"
    page.goto(f"{service.base}/staff/sessions/{session_id}/")
    assert "third@example.org" in page.inner_text("main")
    assert axe_violations(page, axe_script) == [], "one session and its attendance"
    page.click("main form.narrow-form button[type=submit]")  # saved unchanged
    page.wait_for_url(re.compile(rf"/staff/sessions/{session_id}/$"))
    assert axe_violations(page, axe_script) == [], "after a change"
