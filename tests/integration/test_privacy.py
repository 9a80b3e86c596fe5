"""The privacy notice's promises as commands: purge after retention, export and erase a person.

Runs on SQLite and PostgreSQL (the `app` fixture); the date arithmetic is tested without Flask.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from apply_support import VALID, ApplicationActions, stored
from sqlalchemy import select, update

from forms_service.domain.retention import months_before, retention_cutoff

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 11, 21, 9, 30, tzinfo=UTC), 24, datetime(2024, 11, 21, 9, 30, tzinfo=UTC)),
        (datetime(2026, 3, 31, tzinfo=UTC), 1, datetime(2026, 2, 28, tzinfo=UTC)),
        (datetime(2024, 2, 29, tzinfo=UTC), 12, datetime(2023, 2, 28, tzinfo=UTC)),
        (datetime(2026, 1, 15, tzinfo=UTC), 13, datetime(2024, 12, 15, tzinfo=UTC)),
    ],
)
def test_months_before_keeps_the_day_or_the_last_day_of_a_shorter_month(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert months_before(moment, months) == expected
    assert retention_cutoff(moment, months) == expected


def cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["privacy", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def age(app, reference: str, **delta: float) -> None:
    """Pretend the application was last changed some time ago."""
    from forms_service.extensions import db
    from forms_service.models import Application

    with app.app_context():
        when = datetime.now(UTC) - timedelta(**delta)
        db.session.execute(
            update(Application).where(Application.reference == reference).values(updated_at=when)
        )
        db.session.commit()


def submit(app, kind: str, lang: str = "fr", **overrides) -> str:
    response = ApplicationActions(app.test_client()).submit(kind, lang, **overrides)
    assert response.status_code == 303
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def test_purge_deletes_applications_past_the_retention_in_data_with_their_messages(app) -> None:
    from sitedata import load_default

    months = load_default().programme.privacy.retention_months
    old = submit(app, "mentor", email="old@example.org")
    recent = submit(app, "mentee", email="recent@example.org")
    today = submit(app, "partner")
    age(app, old, days=months * 31 + 1)  # well past the retention period
    age(app, recent, days=months * 30 - 20)  # a few weeks inside it

    dry = cli(app, "purge", "--dry-run")
    assert dry.startswith("Would delete 1 application(s) and 2 message(s)")
    assert f"(retention: {months} months)" in dry
    assert len(stored(app)[0]) == 3

    assert cli(app, "purge").startswith("Deleted 1 application(s) and 2 message(s)")
    applications, messages = stored(app)
    assert sorted(a.reference for a in applications) == sorted([recent, today])
    kept_ids = {a.id for a in applications}
    assert len(messages) == 4 and {m.application_id for m in messages} == kept_ids
    assert all("old@example.org" not in (m.recipient, m.reply_to) for m in messages)
    assert cli(app, "purge").startswith("Deleted 0 application(s) and 0 message(s)")


def test_export_prints_everything_held_about_a_person_whatever_the_case_of_the_address(
    app,
) -> None:
    first = submit(app, "mentor", "nl", email="Marie.Claire@example.org")
    second = submit(app, "volunteer", "en", email="marie.claire@example.org")
    submit(app, "mentee", email="someone.else@example.org")

    data = json.loads(cli(app, "export", "MARIE.CLAIRE@EXAMPLE.ORG"))
    assert [a["reference"] for a in data["applications"]] == [first, second]
    mentor = data["applications"][0]
    assert mentor["kind"] == "mentor" and mentor["language"] == "nl"
    assert mentor["answers"]["first_name"] == VALID["mentor"]["first_name"]
    assert mentor["answers"]["last_name"] == VALID["mentor"]["last_name"]
    assert mentor["answers"]["sector"] == VALID["mentor"]["sector"]
    assert mentor["consent"]["privacy_notice_version"] == "2026-11"
    assert datetime.fromisoformat(mentor["consent"]["given_at"]) <= datetime.now(UTC)
    assert mentor["branch"] and mentor["created_at"] and mentor["updated_at"]

    messages = data["messages"]
    assert sorted((m["application"], m["kind"]) for m in messages) == sorted(
        [(first, "confirmation"), (first, "notification"),
         (second, "confirmation"), (second, "notification")]
    )
    for m in messages:
        about_her = m["to"].lower() == "marie.claire@example.org" or (
            (m["reply_to"] or "").lower() == "marie.claire@example.org"
        )
        assert about_her and m["subject"] and m["body_text"] and m["status"] == "pending"
    assert "someone.else" not in json.dumps(data)


def test_export_of_an_unknown_address_holds_nothing(app) -> None:
    submit(app, "partner")
    data = json.loads(cli(app, "export", "nobody@example.org"))
    assert data["applications"] == [] and data["messages"] == []


def test_erase_deletes_a_persons_applications_and_messages_and_nothing_else(app) -> None:
    submit(app, "mentor", email="Jan.Peeters@example.org")
    submit(app, "partner", email="jan.peeters@example.org")
    other = submit(app, "mentee", email="amina@example.org")

    output = cli(app, "erase", "jan.PEETERS@example.org")
    assert output.strip() == "Deleted 2 application(s), 0 booking(s) and 4 message(s)."
    applications, messages = stored(app)
    assert [a.reference for a in applications] == [other]
    assert len(messages) == 2 and {m.application_id for m in messages} == {applications[0].id}
    data = json.loads(cli(app, "export", "jan.peeters@example.org"))
    assert data["applications"] == [] and data["messages"] == []
    assert cli(app, "erase", "jan.peeters@example.org").strip() == (
        "Deleted 0 application(s), 0 booking(s) and 0 message(s)."
    )


@pytest.mark.parametrize(
    ("given", "asked"),
    [("elodie@ex\u00e9mple.fr", "ELODIE@xn--exmple-cva.fr"),
     ("elodie@xn--exmple-cva.fr", "Elodie@Ex\u00e9mple.fr")],
)
def test_export_and_erase_find_an_address_whether_its_domain_is_unicode_or_punycode(
    app, given: str, asked: str
) -> None:
    reference = submit(app, "volunteer", "fr", email=given)
    other = submit(app, "mentee", email="someone.else@example.org")

    data = json.loads(cli(app, "export", asked))
    assert [a["reference"] for a in data["applications"]] == [reference]
    assert len(data["messages"]) == 2
    assert cli(app, "erase", asked).strip() == (
        "Deleted 1 application(s), 0 booking(s) and 2 message(s)."
    )
    assert [a.reference for a in stored(app)[0]] == [other]


def test_after_an_erasure_no_copy_of_the_person_stays_in_the_sqlite_files(tmp_path) -> None:
    """SQLite keeps recent writes in its write-ahead log, and deleted rows in free pages,
    until they are overwritten: the erasure empties the log and overwrites the rows."""
    from apply_support import make_app

    database = tmp_path / "forms.sqlite3"
    app = make_app(f"sqlite:///{database}")
    try:
        submit(app, "mentor", "nl", email="wilhelmina.erase@example.org",
               first_name="Wilhelmina", last_name="Vanderzwaluw")
        submit(app, "partner", email="kept@example.org")
        files = [database, tmp_path / "forms.sqlite3-wal"]
        assert any(b"Vanderzwaluw" in f.read_bytes() for f in files if f.exists())
        # As SQLite does on its own once its log grows: the rows go into the main file too.
        with app.app_context():
            from forms_service.db import checkpoint
            from forms_service.extensions import db

            assert checkpoint(db.engine)
            # Deleted rows are overwritten, whatever the SQLite build's default.
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
        assert b"Vanderzwaluw" in database.read_bytes()

        cli(app, "erase", "wilhelmina.erase@example.org")
        on_disk = b"".join(f.read_bytes() for f in files if f.exists())
        for trace in (b"Vanderzwaluw", b"wilhelmina.erase", b"Wilhelmina"):
            assert trace not in on_disk, trace
        assert b"kept@example.org" in on_disk  # the other person's data is still there
    finally:
        app.extensions["forms_service.engine"].dispose()


def test_a_purge_leaves_no_copy_in_the_sqlite_files_either(tmp_path) -> None:
    from apply_support import make_app

    from sitedata import load_default

    database = tmp_path / "forms.sqlite3"
    app = make_app(f"sqlite:///{database}")
    try:
        old = submit(app, "volunteer", email="long.gone@example.org", last_name="Oudenaarde")
        age(app, old, days=load_default().programme.privacy.retention_months * 31 + 1)
        assert cli(app, "purge").startswith("Deleted 1 application(s)")
        wal = tmp_path / "forms.sqlite3-wal"
        on_disk = database.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        assert b"Oudenaarde" not in on_disk and b"long.gone" not in on_disk
    finally:
        app.extensions["forms_service.engine"].dispose()


def test_export_and_erase_cover_the_persons_bookings_and_history(app):
    """A booking is the person's data too: exported, then erased with the place given back."""
    from forms_service.extensions import db
    from forms_service.models import Booking, InfoSession
    from sitedata import load_default

    runner = app.test_cli_runner()
    start = (datetime.now() + timedelta(days=9)).strftime("%Y-%m-%dT10:00")
    added = runner.invoke(args=["sessions", "add", "--branch", "antwerp", "--start", start,
                                "--capacity", "3", "--audience", "all", "--lang", "fr",
                                "--place", "Lange Winkelhaakstraat 26, 2060 Antwerpen"])
    session_id = int(added.output.strip())
    actions = ApplicationActions(app.test_client())
    actions.submit("mentor", "fr")  # marie@example.org, Antwerp
    with app.test_request_context():
        from forms_service.services import sessions as service

        service.book(db.session, load_default(), service.BookingInput(
            session_id=session_id, name="Marie-Claire Dubois", email="Marie@Example.org",
            lang="fr"), datetime.now(UTC))
        db.session.remove()
    exported = json.loads(runner.invoke(args=["privacy", "export", "marie@example.org"]).output)
    assert [b["status"] for b in exported["bookings"]] == ["confirmed"]
    assert exported["bookings"][0]["name"] == "Marie-Claire Dubois"
    erased = runner.invoke(args=["privacy", "erase", "marie@example.org"])
    assert "1 booking(s)" in erased.output
    with app.app_context():
        assert db.session.scalars(select(Booking)).all() == []
        assert db.session.get(InfoSession, session_id).booked == 0
