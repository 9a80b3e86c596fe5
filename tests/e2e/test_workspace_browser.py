"""The branch workspace in Chromium, on a real server (SQLite) that delivers its e-mail to a
real SMTP server: a coordinator added with the command sets a password, sets up the
authenticator app, signs in and handles an application, with the mouse and with the keyboard
alone; axe-core on every page in the three languages; the pages at 360 and 1280 px; and the
same sign-in through nginx in front of gunicorn, as in production."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from apply_support import ApplicationActions, fill_in
from flask import Flask
from localservers import BIN, SmtpServer, free_port, gunicorn_service, nginx, require_nginx
from sitebuild import PROJECT, built_site_or_fail
from sqlalchemy import update
from workspace_support import (
    LINK,
    PASSWORD,
    StaffInBrowser,
    at,
    axe_violations,
    focus_state,
    live_app,
    page_overflow,
    path_of,
    serving,
    text_of,
)

LANGS = ("fr", "nl", "en")
LOCALES = {"fr": "fr-BE", "nl": "nl-BE", "en": "en-GB"}
# The status labels come from data/programme.yml, in the person's language.
NEW = {"fr": "Nouvelle", "nl": "Nieuw", "en": "New"}
CONTACTED = {"fr": "Contactée", "nl": "Gecontacteerd", "en": "Contacted"}
GHENT = {"fr": "Gand", "nl": "Gent", "en": "Ghent"}
ANTWERP = {"fr": "Anvers", "nl": "Antwerpen", "en": "Antwerp"}


@dataclass
class Workspace:
    """The service on a port of its own, its database, and the SMTP server it delivers to."""

    app: Flask
    base: str
    smtp: SmtpServer

    def add_staff(self, email: str, role: str, *options: str) -> str:
        """`flask staff add` as an operator types it; the printed link."""
        result = self.app.test_cli_runner().invoke(
            args=["staff", "add", email, "--role", role, *options]
        )
        assert result.exit_code == 0, result.output
        return result.output.strip().splitlines()[-1]

    def deliver(self) -> None:
        """What the outbox sender does on its next pass."""
        from forms_service.mail.outbox import send_pending

        with self.app.app_context():
            send_pending()

    def apply(self, kind: str = "mentee", lang: str = "nl", **answers: Any) -> str:
        """An application sent through the public form (HTTP, no browser); its reference."""
        response = ApplicationActions(self.app.test_client()).submit(kind, lang, **answers)
        assert response.status_code == 303, response.text[:500]
        return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]

    def age(self, reference: str, days: int) -> None:
        """As if the application had come in `days` days ago."""
        from forms_service.extensions import db
        from forms_service.models import Application

        with self.app.app_context():
            db.session.execute(
                update(Application).where(Application.reference == reference)
                .values(created_at=datetime.now(UTC) - timedelta(days=days))
            )
            db.session.commit()

    def staff(self, page: Any, email: str) -> StaffInBrowser:
        return StaffInBrowser(page, self.base, email)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Workspace]:
    """One server for the module, as `make serve` runs the service, with SMTP configured."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    database = tmp_path_factory.mktemp("workspace") / "forms.sqlite3"
    app = live_app(database, base, smtp, "workspace-e2e")
    with serving(app, port):
        yield Workspace(app, base, smtp)


@pytest.fixture(scope="module")
def seeded(workspace: Workspace) -> dict[str, str]:
    """Applications for the pages to show: in Ghent one overdue and its duplicate (same
    e-mail), in Paris a partner organisation."""
    ghent = dict(country="BE", postcode="9000")
    overdue = workspace.apply(first_name="Élodie", last_name="Dubois",
                              email="elodie.dubois@example.org", phone="0470 11 22 33", **ghent)
    workspace.age(overdue, 5)
    twin = workspace.apply(first_name="Elodie", last_name="Dubois",
                           email="Elodie.Dubois@example.org", phone="0470 99 88 77", **ghent)
    partner = workspace.apply("partner", "fr", organisation="=Mission locale", country="FR",
                              postcode="75011", email="contact@example.org",
                              phone="01 43 00 00 00")
    return {"overdue": overdue, "twin": twin, "partner": partner}


def new_page(browser: Any, lang: str, width: int = 1280, axe: bool = False) -> Any:
    """A fresh browser profile whose language is `lang`; `axe` lets the test inject axe-core
    past the CSP (tests/e2e/test_csp.py checks the pages themselves need no such exception)."""
    context = browser.new_context(
        locale=LOCALES[lang], viewport={"width": width, "height": 900}, bypass_csp=axe,
        accept_downloads=True,
    )
    return context.new_page()


def references_listed(page: Any) -> set[str]:
    return set(re.findall(r"DUO-[A-Z0-9]{6}", page.inner_text("table.queue tbody")
                          if page.locator("table.queue").count() else ""))


def send(page: Any, selector: str) -> None:
    """Click a form's button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def history_of(page: Any) -> str:
    return page.inner_text("ol.history")


# --- 1. The journey with the mouse ------------------------------------------------------


def test_a_coordinator_added_with_the_command_handles_a_new_application_of_their_branch(
    browser, workspace: Workspace, smtp: SmtpServer
) -> None:
    base = workspace.base
    # A candidate applies through the public form, with a Ghent postcode.
    public = new_page(browser, "nl")
    public.goto(f"{base}/nl/apply/mentee/")
    fill_in(public, "mentee", first_name="Sanne", last_name="De Smet",
            email="sanne.desmet@example.org", phone="0485 12 34 56", country="BE",
            postcode="9000")
    public.click("form#application button.button[type=submit]")
    public.wait_for_url(re.compile(r"/nl/apply/mentee/thanks/DUO-[A-Z0-9]{6}/$"))
    reference = re.search(r"DUO-[A-Z0-9]{6}", public.url).group(0)
    public.context.close()

    # The operator adds the coordinator; the printed link is also e-mailed.
    link = workspace.add_staff("coordinatie.gent@example.org", "coordinator",
                               "--branch", "ghent", "--lang", "nl")
    workspace.add_staff("coordinatie.antwerpen@example.org", "coordinator",
                        "--branch", "antwerp", "--lang", "nl")
    assert link.startswith(f"{base}/staff/reset/")
    workspace.deliver()
    [invitation] = smtp.inbox.to("coordinatie.gent@example.org")
    assert link in text_of(invitation)

    page = new_page(browser, "nl")
    person = workspace.staff(page, "coordinatie.gent@example.org")
    person.set_password(link)
    # The set-up page shows a QR code and the key as text.
    person.enter_password()
    page.wait_for_url(at(base, "/staff/tf-setup"))
    page.click("form[name=two_factor_setup_form] button[type=submit]")
    qr = page.locator("#qrcode")
    assert qr.get_attribute("src").startswith("data:image/")
    assert page.evaluate("document.querySelector('#qrcode').naturalWidth") > 0
    person.read_key()
    person.give_code()
    page.wait_for_url(at(base, "/staff/"))
    assert page.locator("html").get_attribute("lang") == "nl"

    # Signing in again: a wrong code is refused, the right one lets them in.
    person.sign_out()
    person.enter_password()
    page.wait_for_url(at(base, "/staff/tf-validate"))
    with page.expect_navigation():
        person.give_code(person.wrong_code())
    assert at(base, "/staff/tf-validate").match(page.url)
    assert page.locator("#code[aria-invalid=true]").count() == 1
    page.goto(f"{base}/staff/")
    assert at(base, "/staff/login").match(page.url)
    person.sign_in()

    # The queue lists the new application of Ghent; it opens.
    assert reference in references_listed(page)
    row = page.locator("table.queue tbody tr", has_text=reference)
    assert NEW["nl"] in row.inner_text() and GHENT["nl"] in row.inner_text()
    row.locator("a", has_text=reference).click()
    page.wait_for_url(at(base, f"/staff/applications/{reference}/"))
    answers = page.inner_text("dl.answers")
    assert "Sanne" in answers and "9000" in answers
    assert page.locator('a[href="mailto:sanne.desmet@example.org"]').count() == 1
    assert page.locator('a[href^="tel:"]').count() == 1

    # Moved to "contacted".
    page.check('input[name=to][value="contacted"]')
    send(page, "form.move-form button[type=submit]")
    assert CONTACTED["nl"] in page.inner_text(".status-line")

    # A note.
    page.fill("#text", "Gebeld op dinsdag; komt naar de infosessie.")
    send(page, "form[action$='/note'] button[type=submit]")
    assert "Gebeld op dinsdag" in history_of(page)

    # The CSV export of the list (a fresh sign-in: within 5 minutes of signing in).
    page.goto(f"{base}/staff/")
    with page.expect_download() as download:
        page.click("a[href^='/staff/applications.csv']")
    data = Path(download.value.path()).read_bytes()
    assert data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert {r["branch"] for r in rows} == {"ghent"}  # their branch only
    assert [(r["status"], r["postcode"]) for r in rows if r["reference"] == reference] == [
        ("contacted", "9000")
    ]

    # Handed over to Antwerp, with a reason: Ghent no longer sees it.
    page.goto(f"{base}/staff/applications/{reference}/")
    page.select_option("#branch", "antwerp")
    page.fill("#reassign-reason", "Verhuist naar Antwerpen")
    page.click("form[action$='/reassign'] button[type=submit]")
    page.wait_for_url(at(base, "/staff/"))
    assert reference not in references_listed(page)
    assert page.goto(f"{base}/staff/applications/{reference}/").status == 404
    page.context.close()

    # Antwerp's coordinator is told by e-mail, follows the link after signing in, and reads
    # the whole history: who, from -> to, the note, the move and its reason.
    workspace.deliver()
    [told] = [m for m in smtp.inbox.to("coordinatie.antwerpen@example.org")
              if reference in text_of(m)]
    [where] = [u for u in LINK.findall(text_of(told)) if reference in u]
    other = new_page(browser, "nl")
    antwerp = workspace.staff(other, "coordinatie.antwerpen@example.org")
    [invited] = [m for m in smtp.inbox.to("coordinatie.antwerpen@example.org")
                 if "/staff/reset/" in text_of(m)]
    antwerp.set_password(LINK.search(text_of(invited)).group(0))
    antwerp.sign_in()
    other.goto(workspace.base + path_of(where))
    history = history_of(other)
    assert f"{NEW['nl']} → {CONTACTED['nl']}" in history
    assert "Gebeld op dinsdag" in history
    assert GHENT["nl"] in history and ANTWERP["nl"] in history
    assert "Verhuist naar Antwerpen" in history
    assert history.count("coordinatie.gent@example.org") == 3
    other.context.close()


# --- 2. The same journey by keyboard alone ----------------------------------------------


class Keyboard:
    """Tab, Shift+Tab, Enter, Space and the arrow keys (and typing into fields); after each
    key, the focused element must show that it has the focus."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.unseen: list[dict[str, Any]] = []

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        self.check_focus()

    def check_focus(self) -> None:
        state = focus_state(self.page)
        if state["tag"] != "body" and not (state["indicated"] and state["inView"]):
            self.unseen.append({**state, "url": self.page.url})

    def tab_to(self, selector: str, limit: int = 80, back: bool = False) -> None:
        """Tab (or Shift+Tab) until the element matching `selector` has the focus."""
        test = "(s) => !!document.activeElement && document.activeElement.matches(s)"
        for _ in range(limit):
            self.press("Shift+Tab" if back else "Tab")
            if self.page.evaluate(test, selector):
                return
        raise AssertionError(f"the keyboard never reached {selector} on {self.page.url}")

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def submit(self, key: str = "Enter") -> None:
        """A key that sends a form or follows a link: wait for the next page."""
        with self.page.expect_navigation():
            self.page.keyboard.press(key)


def test_the_same_journey_works_by_keyboard_alone_with_the_focus_always_visible(
    browser, workspace: Workspace
) -> None:
    base = workspace.base
    reference = workspace.apply(first_name="Yasmine", last_name="El Amrani",
                                email="yasmine@example.org", phone="0486 55 44 33",
                                country="BE", postcode="9000")
    link = workspace.add_staff("clavier.gand@example.org", "coordinator", "--branch", "ghent",
                               "--lang", "fr")
    page = new_page(browser, "fr")
    keys = Keyboard(page)
    person = workspace.staff(page, "clavier.gand@example.org")

    page.goto(base + path_of(link))  # typed into the address bar
    keys.tab_to("#password")
    keys.type(PASSWORD)
    keys.tab_to("#password_confirm")
    keys.type(PASSWORD)
    keys.submit()
    page.wait_for_url(at(base, "/staff/login"))

    keys.tab_to("#email")
    keys.type(person.email)
    keys.tab_to("#password")
    keys.type(PASSWORD)
    keys.submit()
    page.wait_for_url(at(base, "/staff/tf-setup"))
    keys.tab_to("form[name=two_factor_setup_form] button[type=submit]")
    keys.submit()
    person.read_key()
    keys.tab_to("#code")
    keys.type(person.code())
    keys.submit()
    page.wait_for_url(at(base, "/staff/"))

    # The queue: to the application's link, and open it.
    keys.tab_to(f'a[href="/staff/applications/{reference}/"]')
    keys.submit()
    page.wait_for_url(at(base, f"/staff/applications/{reference}/"))

    # The next step: into the radio group (on the checked step, "contacted"), the arrows
    # move the choice down and back up, then Tab to the button and Space.
    chosen = "document.querySelector('input[name=to]:checked').value"
    keys.tab_to("input[name=to]")
    assert page.evaluate(chosen) == "contacted"
    keys.press("ArrowDown")
    assert page.evaluate(chosen) != "contacted"
    keys.press("ArrowUp")
    assert page.evaluate(chosen) == "contacted"
    keys.tab_to("form.move-form button[type=submit]")
    keys.submit("Space")
    assert CONTACTED["fr"] in page.inner_text(".status-line")

    # A note, sent with its button.
    keys.tab_to("#text")
    keys.type("Appelée lundi : viendra à la séance d'information.")
    keys.tab_to("form[action$='/note'] button[type=submit]")
    keys.submit()
    history = history_of(page)
    assert "Appelée lundi" in history
    assert f"{NEW['fr']} → {CONTACTED['fr']}" in history

    # Back up to the navigation (Shift+Tab), to the queue, and export the list.
    keys.tab_to('.staff-nav a[href="/staff/"]', back=True)
    keys.submit()
    keys.tab_to("a[href^='/staff/applications.csv']")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    rows = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert (reference, "contacted") in [(r["reference"], r["status"]) for r in rows]

    # Hand it over to Antwerp: the select by arrow keys, the reason typed, Enter sends.
    keys.tab_to(f'a[href="/staff/applications/{reference}/"]')
    keys.submit()
    keys.tab_to("#branch")
    for _ in range(40):
        if page.evaluate("document.activeElement.value") == "antwerp":
            break
        keys.press("ArrowDown")
    assert page.input_value("#branch") == "antwerp"
    keys.tab_to("#reassign-reason")
    keys.type("A déménagé à Anvers")
    keys.submit()
    page.wait_for_url(at(base, "/staff/"))
    assert reference not in references_listed(page)

    # Sign out.
    keys.tab_to(".staff-nav form button[type=submit]", back=True)
    keys.submit()
    page.goto(f"{base}/staff/")
    assert page.url.startswith(f"{base}/staff/login")
    assert keys.unseen == [], "focus not visible on: " + repr(keys.unseen)
    page.context.close()


# --- 3. axe-core on every page, in the three languages; 360 px ---------------------------


# Error and secondary states are checked in one language; every page in all three.
EVERY_STATE_IN = "fr"


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violation_on_any_workspace_page(
    browser, workspace: Workspace, seeded: dict[str, str], axe_script: Path, lang: str
) -> None:
    base = workspace.base
    email = f"admin.{lang}@example.org"
    link = workspace.add_staff(email, "admin", "--lang", lang)
    page = new_page(browser, lang, axe=True)
    person = workspace.staff(page, email)
    found: dict[str, Any] = {}

    def check(name: str, state: bool = False, on: Any = None) -> None:
        if state and lang != EVERY_STATE_IN:
            return
        violations = axe_violations(on or page, axe_script)
        if violations:
            found[name] = violations

    # Signed out: the browser's language.
    page.goto(base + path_of(link))
    assert page.locator("html").get_attribute("lang") == lang
    check("set password")
    person.set_password(link)
    check("sign in")
    if lang == EVERY_STATE_IN:
        page.fill("#email", email)
        page.fill("#password", "not the password")
        send(page, "#submit")
        assert page.locator("[aria-invalid=true]").count() >= 1
        check("sign in, wrong password", state=True)
        page.goto(f"{base}/staff/reset")
        check("forgot password", state=True)
    person.enter_password()
    page.wait_for_url(at(base, "/staff/tf-setup"))
    check("second step, choice")
    page.click("form[name=two_factor_setup_form] button[type=submit]")
    page.wait_for_selector("#qrcode")
    check("second step, QR code")
    person.read_key()
    person.give_code()
    page.wait_for_url(at(base, "/staff/"))
    # The code page of a later sign-in, in a second browser: a right code there would have
    # to wait for the app's next one (a code is accepted once), so the first browser, signed
    # in by the set-up, goes on.
    other = new_page(browser, lang, axe=True)
    again = workspace.staff(other, email)
    again.totp = person.totp
    again.enter_password()
    other.wait_for_url(at(base, "/staff/tf-validate"))
    check("code", on=other)
    if lang == EVERY_STATE_IN:
        with other.expect_navigation():
            again.give_code(again.wrong_code())
        check("code, wrong", state=True, on=other)
    other.context.close()

    # Signed in: the person's language.
    assert page.locator("html").get_attribute("lang") == lang
    check("queue")
    assert {seeded["overdue"], seeded["twin"], seeded["partner"]} <= references_listed(page)
    page.goto(f"{base}/staff/?q=nobody-by-that-name")
    assert references_listed(page) == set()
    check("queue, nothing found")
    page.goto(f"{base}/staff/?kind=mentee&branch=ghent&waiting=overdue")
    assert references_listed(page) == {seeded["overdue"]}
    check("queue, filtered")

    page.goto(f"{base}/staff/applications/{seeded['overdue']}/")
    assert page.locator(".tag-overdue").count() == 1
    assert page.locator("form[action*='/duplicates/']").count() == 1
    check("application")
    page.goto(f"{base}/staff/applications/{seeded['twin']}/")
    send(page, "form.move-form button[type=submit]")
    assert page.locator(".flash").count() == 1 and page.locator("ol.history time").count()
    check("application, moved, with its history")
    page.goto(f"{base}/staff/applications/{seeded['partner']}/")
    check("application of a partner", state=True)
    page.goto(f"{base}/staff/applications/{seeded['overdue']}/privacy/")
    check("the person's data")
    if lang == EVERY_STATE_IN:
        send(page, "form:has(input[value=erase]) button[type=submit]")  # not confirmed
        assert page.locator("#erase-confirm[aria-invalid=true]").count() == 1
        check("the person's data, not confirmed", state=True)

    for name, path, state in [
        ("dashboard", "/staff/dashboard/", False),
        ("dashboard of one branch", "/staff/dashboard/?branch=ghent", True),
        ("my account", "/staff/account/", False), ("accounts", "/staff/accounts/", False),
        ("audit log", "/staff/audit/", False), ("change password", "/staff/change", True),
        ("sign in again", "/staff/verify", True),
        ("recovery codes", "/staff/mf-recovery-codes", False),
    ]:
        assert page.goto(base + path).status == 200, path
        check(name, state)
    if lang == EVERY_STATE_IN:
        send(page, "#show_codes")  # none made yet: it says so
        assert page.locator("#show_codes[aria-describedby]").count() == 1
        check("recovery codes, none yet", state=True)
    send(page, "#generate_new_codes")
    assert page.locator(".recovery-codes li").count() >= 5
    check("recovery codes, shown")
    if lang == EVERY_STATE_IN:
        page.goto(f"{base}/staff/accounts/")
        page.fill("#email", "nouvelle.coordinatrice@example.org")
        page.click("#role-coordinator")
        page.click("#branches-ghent")
        send(page, "form.narrow-form button[type=submit]")
        assert "/staff/reset/" in page.inner_text(".link-out")
        check("accounts, after adding", state=True)
    page.context.close()
    assert found == {}, found


def test_the_pages_fit_a_phone_and_a_desktop_and_tables_scroll_in_their_own_region(
    browser, workspace: Workspace, seeded: dict[str, str],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """No sideways scrolling of the page at 360 or 1280 px. Screenshots of every page at
    both widths go to WORKSPACE_SCREENSHOTS if set (else pytest's temporary folder), for a
    person to look at."""
    base = workspace.base
    shots = Path(os.environ.get("WORKSPACE_SCREENSHOTS")
                 or tmp_path_factory.mktemp("screenshots"))
    shots.mkdir(parents=True, exist_ok=True)
    email = "largeur@example.org"
    link = workspace.add_staff(email, "admin", "--lang", "fr")
    page = new_page(browser, "fr", width=360)
    person = workspace.staff(page, email)
    wide: dict[str, int] = {}

    def measure(name: str) -> None:
        for width in (360, 1280):
            page.set_viewport_size({"width": width, "height": 900})
            if page_overflow(page) > 0:
                wide[f"{name} at {width} px"] = page_overflow(page)
            page.screenshot(path=str(shots / f"{name.replace(' ', '-')}-{width}.png"),
                            full_page=True)
        page.set_viewport_size({"width": 360, "height": 900})

    person.set_password(link)
    measure("sign-in")
    person.enter_password()
    page.click("form[name=two_factor_setup_form] button[type=submit]")
    page.wait_for_selector("#authr-key")
    measure("second-step")
    person.read_key()
    person.give_code()
    page.wait_for_url(at(base, "/staff/"))
    for name, path in [("queue", "/staff/"),
                       ("application", f"/staff/applications/{seeded['overdue']}/"),
                       ("dashboard", "/staff/dashboard/"), ("accounts", "/staff/accounts/"),
                       ("audit", "/staff/audit/"), ("account", "/staff/account/"),
                       ("privacy", f"/staff/applications/{seeded['twin']}/privacy/"),
                       ("recovery-codes", "/staff/mf-recovery-codes")]:
        page.goto(base + path)
        if name == "recovery-codes":
            page.click("#generate_new_codes")
            page.wait_for_selector(".recovery-codes")
        measure(name)
    assert wide == {}, f"the page scrolls sideways: {wide}"

    # At 360 px the queue's table is wider than the window: it scrolls inside its region,
    # which the keyboard can reach. Fields stay at 16 px or more (no zoom on phones).
    page.goto(f"{base}/staff/")
    region = page.locator(".table-scroll")
    assert region.get_attribute("tabindex") == "0"
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    assert region.evaluate("e => getComputedStyle(e).overflowX") == "auto"
    size = page.evaluate("getComputedStyle(document.querySelector('#q')).fontSize")
    assert float(size.removesuffix("px")) >= 16
    page.context.close()


# --- 4. Production: nginx in front of gunicorn ------------------------------------------

FLASK = BIN / "flask"


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """deploy/nginx.conf.template in front of gunicorn with deploy/gunicorn.conf.py, as
    tests/e2e/test_production.py runs them; the operator's commands in the same environment."""
    require_nginx()
    root = tmp_path_factory.mktemp("workspace-production")
    nginx_port = free_port()
    base = f"http://127.0.0.1:{nginx_port}"
    site = built_site_or_fail(tmp_path_factory, site_url=f"{base}/")
    config = {
        "FLASK_DATABASE_URL": f"sqlite:///{root / 'forms.sqlite3'}",
        "FLASK_SECRET_KEY": "workspace-production-test", "FLASK_SITE_DIR": str(site),
        "FLASK_PUBLIC_URL": base,
    }
    with gunicorn_service(root, config, ready_path="/staff/login") as app, nginx(
        root, site, app.port, nginx_port
    ):
        yield {"base": base, "env": app.env, "log": app.log}


def test_through_nginx_a_coordinator_signs_in_with_two_factors_and_opens_the_queue(
    production: dict[str, Any], browser
) -> None:
    base = production["base"]
    page = new_page(browser, "nl")
    responses: list[Any] = []
    page.on("response", lambda response: responses.append(response))
    try:
        page.goto(f"{base}/nl/apply/mentee/")
        fill_in(page, "mentee", first_name="Lotte", last_name="Claes",
                email="lotte.claes@example.org", phone="0478 12 12 12", country="BE",
                postcode="9000")
        page.click("form#application button.button[type=submit]")
        page.wait_for_url(re.compile(r"/nl/apply/mentee/thanks/DUO-[A-Z0-9]{6}/$"))
        reference = re.search(r"DUO-[A-Z0-9]{6}", page.url).group(0)

        # The operator's command on the server; its link points at the public address.
        added = subprocess.run(
            [str(FLASK), "--app", "forms_service", "staff", "add", "gent@example.org",
             "--role", "coordinator", "--branch", "ghent", "--lang", "nl"],
            cwd=PROJECT, env=production["env"], capture_output=True, text=True, timeout=120,
        )
        assert added.returncode == 0, added.stderr
        link = added.stdout.strip().splitlines()[-1]
        assert link.startswith(f"{base}/staff/reset/")

        person = StaffInBrowser(page, base, "gent@example.org")
        person.set_password(link)
        person.sign_in()  # password, then the authenticator app set up with its key
        assert reference in references_listed(page)
        assert page.locator("html").get_attribute("lang") == "nl"
        page.goto(f"{base}/staff/applications/{reference}/")
        assert "Lotte" in page.inner_text("dl.answers")

        # Everything came through nginx; the workspace's own headers reached the browser.
        assert all(r.headers.get("server") == "nginx" for r in responses)
        staff_pages = [r for r in responses
                       if r.url.startswith(f"{base}/staff/") and r.request.resource_type
                       == "document"]
        assert staff_pages
        assert [(r.url, r.status, r.headers.get("cache-control"),
                 r.headers.get("content-security-policy")) for r in staff_pages
                if r.headers.get("cache-control") != "no-store"
                or "script-src 'self'" not in r.headers.get("content-security-policy", "")] == []
        assert any(r.url.endswith("/forms-static/staff.css") and r.status == 200
                   for r in responses)
    finally:
        page.context.close()
    # gunicorn logged the workspace's requests without their query strings.
    text = Path(production["log"]).read_text()
    assert '"POST /staff/tf-validate" 302' in text
