"""Back, then Send again, in Chromium: the browser restores the typed answers into a form it
fetched afresh (pages are no-store) with a new submission token. One application, and its
two e-mails, however often the person does it."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_support import fill_in, make_app, stored
from flask import Flask
from localservers import SmtpInbox, smtp_server
from werkzeug.serving import make_server

THANKS = re.compile(r"/en/apply/mentor/thanks/(DUO-[A-Z0-9]{6})/$")


@pytest.fixture
def smtp() -> Iterator[tuple[int, SmtpInbox]]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def service(tmp_path: Path, smtp: tuple[int, SmtpInbox]) -> Iterator[tuple[str, Flask]]:
    """The service alone on a loopback port (SQLite), its e-mail to a real SMTP server."""
    app = make_app(f"sqlite:///{tmp_path / 'forms.sqlite3'}", MAIL_SERVER="127.0.0.1",
                   MAIL_PORT=smtp[0], MAIL_TIMEOUT=5.0)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["forms_service.engine"].dispose()


def test_back_then_send_again_makes_one_application_and_two_emails(
    page, service: tuple[str, Flask], smtp: tuple[int, SmtpInbox]
) -> None:
    base, app = service
    page.goto(f"{base}/en/apply/mentor/")
    fill_in(page, "mentor", first_name="Griet", email="griet@example.org")
    first_token = page.input_value("#submission_token")
    page.click("button[type=submit]")
    page.wait_for_url(THANKS)
    reference = THANKS.search(page.url).group(1)

    for _ in range(2):
        page.go_back()
        page.wait_for_url(f"{base}/en/apply/mentor/")
        # What the audit saw: a fresh form, new token, the typed answers restored.
        assert page.input_value("#first_name") == "Griet"
        assert page.input_value("#submission_token") != first_token
        page.click("button[type=submit]")
        page.wait_for_url(THANKS)
        assert THANKS.search(page.url).group(1) == reference

    applications, messages = stored(app)
    assert [a.reference for a in applications] == [reference]
    assert sorted(m.kind for m in messages) == ["confirmation", "notification"]

    from forms_service.mail.outbox import send_pending

    with app.app_context():
        assert send_pending()["sent"] == 2
    inbox = smtp[1]
    assert len(inbox.messages) == 2
    assert sorted(m["To"] for m in inbox.messages) == sorted(
        ["griet@example.org", "brussels@duoforajob.be"]
    )


def test_a_second_person_applying_from_the_same_browser_is_a_new_application(
    page, service: tuple[str, Flask]
) -> None:
    """An employment office: one browser, one form after another, different answers."""
    base, app = service
    for first_name, email in (("Griet", "griet@example.org"), ("Amina", "amina@example.org")):
        page.goto(f"{base}/en/apply/mentor/")
        fill_in(page, "mentor", first_name=first_name, email=email)
        page.click("button[type=submit]")
        page.wait_for_url(THANKS)
    # Back to the second form, one answer corrected, sent again: a change, so stored too.
    page.go_back()
    page.fill("#first_name", "Aminata")
    page.click("button[type=submit]")
    page.wait_for_url(THANKS)
    names = [a.answers["first_name"] for a in stored(app)[0]]
    assert names == ["Griet", "Amina", "Aminata"]
