"""The branch workspace with the test client, on SQLite and on a real PostgreSQL: sign-in,
branch scope on every route, the queue, moves and history, reassignment (e-mail at a real
SMTP server), duplicates, the CSV, erasure, the audit log, throttling."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from apply_support import ApplicationActions, make_app
from flask import Flask
from localservers import SmtpServer
from sqlalchemy import select, update
from staff_support import PASSWORD, StaffMember, add_staff, csrf_of, last_code, signed_in

from forms_service.extensions import db
from forms_service.mail.outbox import send_pending
from forms_service.models import Application, ApplicationEvent, AuditEntry, OutboxMessage

pytestmark = pytest.mark.integration

GHENT = dict(country="BE", postcode="9000", phone="0470 12 34 56")
ANTWERP = dict(country="BE", postcode="2000", phone="0471 22 33 44")
PARIS = dict(country="FR", postcode="75011", phone="06 12 34 56 78")


def apply(app: Flask, kind: str = "mentee", lang: str = "nl", **answers: str) -> str:
    """Send a form as the public does; the reference of the stored application."""
    response = ApplicationActions(app.test_client()).submit(kind, lang, **answers)
    assert response.status_code == 303, response.text[:500]
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def row(app: Flask, reference: str) -> Application:
    with app.app_context():
        found = db.session.scalar(select(Application).where(Application.reference == reference))
        db.session.expunge_all()
    return found


def results_of(html: str) -> str:
    """The queue's table, without the search box (which repeats what was searched)."""
    start = html.find("<tbody>")
    return html[start:html.find("</tbody>")] if start >= 0 else ""


def references_in(html: str) -> set[str]:
    return set(re.findall(r"DUO-[A-Z0-9]{6}", results_of(html)))


@pytest.fixture
def ghent_coordinator(app: Flask) -> StaffMember:
    return signed_in(app, "ghent@example.org", "coordinator", "--branch", "ghent")


def test_signed_out_the_workspace_asks_to_sign_in(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/staff/login")


def test_the_set_password_link_works_once(app):
    link = add_staff(app, "once@example.org", "coordinator", "--branch", "ghent")
    person = StaffMember(app.test_client(), "once@example.org")
    assert person.set_password(link).status_code == 302
    again = StaffMember(app.test_client(), "once@example.org")
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert again.get(path).status_code == 302  # an invalid token sends to "forgot password"
    assert again.get(path).headers["Location"].startswith("/staff/reset")


def test_a_password_alone_does_not_open_the_workspace(app):
    link = add_staff(app, "two@example.org", "coordinator", "--branch", "ghent")
    person = StaffMember(app.test_client(), "two@example.org")
    person.set_password(link)
    person.post("/staff/login", {"email": "two@example.org", "password": PASSWORD})
    assert person.get("/staff/").status_code == 302


def test_a_wrong_authenticator_code_is_refused(app):
    person = signed_in(app, "code@example.org", "coordinator", "--branch", "ghent")
    person.post("/staff/logout", {}, page="/staff/")
    person.post("/staff/login", {"email": "code@example.org", "password": PASSWORD})
    # Only looked at, not given: no need to wait for a code the server has not seen yet.
    wrong = "000000" if person.totp.now() != "000000" else "111111"
    answer = person.post("/staff/tf-validate", {"code": wrong})
    assert answer.status_code == 200
    assert person.get("/staff/").status_code == 302


def test_a_coordinator_sees_their_branch_only(app, ghent_coordinator):
    mine = apply(app, **GHENT)
    theirs = apply(app, email="other@example.org", first_name="Noor", **ANTWERP)
    queue = ghent_coordinator.get("/staff/").text
    assert references_in(queue) == {mine}
    assert theirs not in queue


def staff_routes(reference: str, link_id: int = 1) -> list[tuple[str, str, dict]]:
    base = f"/staff/applications/{reference}/"
    return [
        ("GET", base, {}),
        ("POST", base + "move", {"to": "contacted"}),
        ("POST", base + "note", {"text": "x"}),
        ("POST", base + "reassign", {"branch": "ghent", "reason": "x"}),
        ("POST", base + f"duplicates/{link_id}", {"verdict": "duplicate"}),
        ("GET", base + "privacy/", {}),
        ("POST", base + "privacy/", {"action": "erase", "erase-confirm": "y"}),
        ("POST", base + "privacy/", {"action": "export"}),
    ]


@pytest.mark.parametrize(
    ("role", "options", "foreign"),
    [
        ("coordinator", ("--branch", "ghent"), ANTWERP),
        ("coordinator", ("--branch", "ghent", "--branch", "aalst"), PARIS),
        ("country", ("--country", "BE"), PARIS),
        ("country", ("--country", "FR"), GHENT),
    ],
)
def test_every_route_answers_404_for_an_application_of_another_branch(app, role, options,
                                                                      foreign):
    person = signed_in(app, f"{role}@example.org", role, *options)
    other = apply(app, email="foreign@example.org", first_name="Noor", **foreign)
    own_branch = {"ghent": GHENT, "aalst": GHENT}.get(options[1], GHENT if "BE" in options
                                                        else PARIS)
    # A duplicate of the foreign application inside the scope: its link must not open it.
    apply(app, email="foreign@example.org", first_name="Noor", **own_branch)
    token = csrf_of(person.get("/staff/").text)
    for method, url, data in staff_routes(other):
        if method == "GET":
            answer = person.get(url)
        else:
            answer = person.client.post(url, data={**data, "csrf_token": token})
        assert answer.status_code == 404, (method, url, answer.status_code)
    # Nor in a list, a search, a count or the CSV.
    assert other not in person.get("/staff/").text
    searched = person.get(f"/staff/?q={other}").text
    assert other not in results_of(searched)
    assert other not in person.get(f"/staff/applications.csv?q={other}").text
    assert other not in person.get("/staff/applications.csv").text
    foreign_branch = row(app, other).branch_id
    assert person.get(f"/staff/dashboard/?branch={foreign_branch}").status_code == 404
    # The foreign application is untouched.
    assert row(app, other).status == "new"
    assert row(app, other).branch_id == foreign_branch


def test_only_admins_reach_the_accounts_and_the_audit_log(app, ghent_coordinator):
    assert ghent_coordinator.get("/staff/accounts/").status_code == 404
    assert ghent_coordinator.get("/staff/audit/").status_code == 404
    admin = signed_in(app, "admin@example.org", "admin")
    assert admin.get("/staff/accounts/").status_code == 200
    assert admin.get("/staff/audit/").status_code == 200


def test_an_admin_and_a_country_lead_see_every_branch_of_their_reach(app):
    ghent, paris = apply(app, **GHENT), apply(app, email="p@example.org", **PARIS)
    admin = signed_in(app, "admin@example.org", "admin")
    assert {ghent, paris} <= references_in(admin.get("/staff/").text)
    lead = signed_in(app, "lead@example.org", "country", "--country", "FR")
    assert references_in(lead.get("/staff/").text) == {paris}


def test_the_queue_lists_overdue_applications_first_and_marks_them(app, ghent_coordinator):
    old = apply(app, **GHENT)
    new = apply(app, email="new@example.org", first_name="Sara", phone="0472 00 00 01",
                country="BE", postcode="9000")
    days = 1 + 2  # past the promise in data/programme.yml (2 days)
    with app.app_context():
        db.session.execute(update(Application).where(Application.reference == old)
                           .values(created_at=datetime.now(UTC) - timedelta(days=days)))
        db.session.commit()
    html = ghent_coordinator.get("/staff/").text
    assert html.index(old) < html.index(new)
    assert 'class="overdue"' in html
    overdue_only = ghent_coordinator.get("/staff/?waiting=overdue").text
    assert references_in(overdue_only) == {old}


def test_search_finds_by_name_email_phone_and_reference(app, ghent_coordinator):
    ref = apply(app, first_name="Élodie", last_name="Dubois", email="elodie@example.org",
                **GHENT)
    apply(app, first_name="Sara", last_name="Janssens", email="sara@example.org",
          country="BE", postcode="9000", phone="0472 99 88 77")
    for query in ("elodie dub", "ELODIE@example.org", "+32 470 12 34 56", ref.lower()):
        assert references_in(ghent_coordinator.get("/staff/", query_string={"q": query}).text) \
            == {ref}, query


def test_moves_notes_and_history(app, ghent_coordinator):
    ref = apply(app, **GHENT)
    page = f"/staff/applications/{ref}/"
    ghent_coordinator.post(page + "move", {"to": "contacted"}, page=page)
    assert row(app, ref).status == "contacted"
    assert row(app, ref).first_contact_at is not None
    # Back without a reason: refused; with one: done.
    ghent_coordinator.post(page + "move", {"to": "new"}, page=page)
    assert row(app, ref).status == "contacted"
    ghent_coordinator.post(page + "move", {"to": "new", "reason": "wrong number"}, page=page)
    assert row(app, ref).status == "new"
    # A skipped step is refused.
    ghent_coordinator.post(page + "move", {"to": "intake_interview"}, page=page)
    assert row(app, ref).status == "new"
    ghent_coordinator.post(page + "note", {"text": "Rappeler jeudi"}, page=page)
    with app.app_context():
        events = db.session.execute(
            select(ApplicationEvent.kind, ApplicationEvent.from_value,
                   ApplicationEvent.to_value, ApplicationEvent.text, ApplicationEvent.actor)
            .order_by(ApplicationEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("status", "new", "contacted", None, "ghent@example.org"),
        ("status", "contacted", "new", "wrong number", "ghent@example.org"),
        ("note", None, None, "Rappeler jeudi", "ghent@example.org"),
    ]
    assert "Rappeler jeudi" in ghent_coordinator.get(page).text


def test_reassignment_moves_the_application_and_emails_the_new_coordinators(database_url):
    smtp = SmtpServer()
    smtp.start()
    try:
        app = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port)
        ghent = signed_in(app, "ghent@example.org", "coordinator", "--branch", "ghent")
        signed_in(app, "antwerpen@example.org", "coordinator", "--branch", "antwerp")
        ref = apply(app, **GHENT)
        with app.app_context():
            send_pending()
        smtp.inbox.messages.clear()
        page = f"/staff/applications/{ref}/"
        answer = ghent.post(page + "reassign", {"branch": "antwerp", "reason": "verhuisd"},
                            page=page)
        assert answer.status_code == 303
        assert row(app, ref).branch_id == "antwerp"
        assert ghent.get(page).status_code == 404  # the old branch lost access
        with app.app_context():
            assert send_pending()["sent"] == 1
            assert send_pending()["sent"] == 0  # exactly once
        [message] = smtp.inbox.messages
        assert message["To"] == "antwerpen@example.org"
        body = message.get_body(("plain",)).get_content()
        assert ref in body and "verhuisd" in body
        assert "amina@example.org" not in body  # no answers in the e-mail: the link has them
    finally:
        smtp.stop()


def test_duplicates_are_linked_both_ways_and_closed_by_a_verdict(app, ghent_coordinator):
    first = apply(app, **GHENT)
    second = apply(app, email="AMINA@EXAMPLE.ORG", **GHENT)
    page = ghent_coordinator.get(f"/staff/applications/{second}/").text
    assert first in page
    queue = ghent_coordinator.get("/staff/").text
    assert queue.count("tag-duplicate") == 2
    link_id = re.search(rf"/staff/applications/{second}/duplicates/(\d+)", page).group(1)
    ghent_coordinator.post(f"/staff/applications/{second}/duplicates/{link_id}",
                           {"verdict": "duplicate"}, page=f"/staff/applications/{second}/")
    assert row(app, second).status == "duplicate"
    assert row(app, first).status == "new"


def test_the_csv_export_is_utf8_with_bom_neutralised_and_audited(app, ghent_coordinator):
    apply(app, last_name="-Dubois", **GHENT)
    response = ghent_coordinator.get("/staff/applications.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "reference"
    [cells] = rows[1:]
    # A leading -, + (every phone number in E.164), =, @ would start a formula.
    assert cells[rows[0].index("last_name")] == "'-Dubois"
    assert cells[rows[0].index("phone")] == "'+32470123456"
    assert cells[rows[0].index("first_name")] == "Amina"
    with app.app_context():
        actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "export" in actions


def test_every_view_and_change_is_in_the_audit_log(app, ghent_coordinator):
    ref = apply(app, **GHENT)
    page = f"/staff/applications/{ref}/"
    ghent_coordinator.post(page + "move", {"to": "contacted"}, page=page)
    with app.app_context():
        entries = db.session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject)
            .where(AuditEntry.action.in_(["view", "change"])).order_by(AuditEntry.id)
        ).all()
    assert ("ghent@example.org", "view", ref) in [tuple(e) for e in entries]
    assert ("ghent@example.org", "change", ref) in [tuple(e) for e in entries]
    admin = signed_in(app, "admin@example.org", "admin")
    assert ref in admin.get("/staff/audit/").text


def test_erasing_a_person_takes_their_history_and_audit_entries(app, ghent_coordinator):
    ref = apply(app, **GHENT)
    page = f"/staff/applications/{ref}/"
    ghent_coordinator.post(page + "note", {"text": "note"}, page=page)
    ghent_coordinator.post(page + "privacy/", {"action": "erase"}, page=page + "privacy/")
    assert row(app, ref) is not None  # not confirmed: nothing erased
    answer = ghent_coordinator.post(page + "privacy/", {"action": "erase", "erase-confirm": "y"},
                                    page=page + "privacy/")
    assert answer.status_code == 303
    with app.app_context():
        assert db.session.scalars(select(Application)).all() == []
        assert db.session.scalars(select(ApplicationEvent)).all() == []
        assert db.session.scalar(select(AuditEntry).where(AuditEntry.subject == ref)) is None
        assert db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.recipient == "amina@example.org")).all() == []


def test_a_stale_sign_in_must_be_renewed_before_an_export(app, ghent_coordinator):
    with ghent_coordinator.client.session_transaction() as session:
        session["fs_paa"] = session["fs_paa"] - 6 * 60
    answer = ghent_coordinator.get("/staff/applications.csv")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/staff/verify")


@pytest.mark.parametrize("path", ["/staff/", "/staff/account/", "/staff/change",
                                  "/staff/tf-setup", "/staff/mf-recovery-codes"])
def test_staff_pages_are_never_cached_and_keep_the_security_headers(app, ghent_coordinator,
                                                                   path):
    answer = ghent_coordinator.get(path)
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in answer.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in answer.headers["Content-Security-Policy"]
    assert answer.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/staff/login", "/staff/reset"])
def test_sign_in_pages_are_never_cached_either(client, path):
    assert client.get(path).headers["Cache-Control"] == "no-store"


def test_a_post_without_its_csrf_token_is_refused(app, ghent_coordinator):
    ref = apply(app, **GHENT)
    answer = ghent_coordinator.client.post(f"/staff/applications/{ref}/move",
                                           data={"to": "contacted"})
    assert answer.status_code == 400
    assert row(app, ref).status == "new"


def test_failed_sign_ins_lock_the_account_out_then_the_address(database_url):
    app = make_app(database_url, RATELIMIT_ENABLED=True)
    link = add_staff(app, "locked@example.org", "coordinator", "--branch", "ghent")
    person = StaffMember(app.test_client(), "locked@example.org")
    person.set_password(link)
    for _ in range(5):
        assert person.post("/staff/login", {"email": "locked@example.org",
                                            "password": "wrong password"}).status_code == 200
    # Locked out: even the right password is refused for now.
    right = person.post("/staff/login", {"email": "locked@example.org", "password": PASSWORD})
    assert right.status_code == 429
    # Another account from the same address still gets its tries, up to the address's limit.
    other = StaffMember(app.test_client(), "someone@example.org")
    codes = [other.post("/staff/login", {"email": f"n{i}@example.org", "password": "x"})
             .status_code for i in range(16)]
    assert codes[:14] == [200] * 14
    assert codes[-1] == 429


def test_the_daily_digest_counts_new_and_overdue_without_personal_data(app):
    signed_in(app, "ghent@example.org", "coordinator", "--branch", "ghent", "--lang", "en")
    quiet = signed_in(app, "quiet@example.org", "coordinator", "--branch", "ghent")
    quiet.post("/staff/account/", {"lang": "fr"}, page="/staff/account/")  # digest box unticked
    old = apply(app, **GHENT)
    apply(app, email="new@example.org", first_name="Sara", phone="0472 00 00 01",
          country="BE", postcode="9000")
    with app.app_context():
        db.session.execute(update(Application).where(Application.reference == old)
                           .values(created_at=datetime.now(UTC) - timedelta(days=5)))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["staff", "digest"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 summary")
    with app.app_context():
        [digest] = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "digest")).all()
    assert digest.recipient == "ghent@example.org"
    assert "Ghent: 2 new, 1 waiting past the call-back promise" in digest.body_text
    assert "/staff/" in digest.body_text
    for personal in ("Amina", "Sara", "amina@example.org", old):
        assert personal not in digest.body_text + digest.subject


def test_thirty_minutes_idle_sign_the_person_out(app, ghent_coordinator, monkeypatch):
    import time

    assert ghent_coordinator.get("/staff/").status_code == 200
    later = time.time() + 29 * 60
    monkeypatch.setattr(time, "time", lambda: later)
    assert ghent_coordinator.get("/staff/").status_code == 200  # activity renews the 30 min
    later += 31 * 60
    answer = ghent_coordinator.get("/staff/")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith("/staff/login")


def test_signing_in_starts_a_new_session(app):
    link = add_staff(app, "renew@example.org", "coordinator", "--branch", "ghent")
    person = StaffMember(app.test_client(), "renew@example.org")
    person.set_password(link)
    before = csrf_of(person.get("/staff/login").text)
    with person.client.session_transaction() as session:
        token_before = session.get("csrf_token")
    assert person.sign_in().status_code == 302
    with person.client.session_transaction() as session:
        assert session.get("csrf_token") != token_before
        assert session.permanent  # expires after the idle time
    assert csrf_of(person.get("/staff/").text) != before


def test_an_authenticator_code_works_only_once(app):
    person = signed_in(app, "replay@example.org", "coordinator", "--branch", "ghent")
    used = last_code(person.totp)
    person.post("/staff/logout", {}, page="/staff/")
    person.post("/staff/login", {"email": "replay@example.org", "password": PASSWORD})
    again = person.post("/staff/tf-validate", {"code": used})
    assert again.status_code == 200  # the form again: refused
    assert person.get("/staff/").status_code == 302
