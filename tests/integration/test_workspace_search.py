"""The workspace's search in the service layer, on SQLite and PostgreSQL: what was typed is
read as a reference, an e-mail address, a phone number or a part of a name; the matches come
in the queue's order (overdue first, then newest first), page by page; the scope holds for
every kind of search, in the list and in the export."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import update

from forms_service.domain.scope import make_scope
from forms_service.extensions import db
from forms_service.models import Application
from forms_service.services import workspace
from forms_service.services.applications import ApplicationInput, submit_application
from forms_service.services.workspace import QueueFilter
from sitedata import load_default

pytestmark = pytest.mark.integration

GHENT = make_scope("coordinator", ["ghent"], None)
ADMIN = make_scope("admin", [], None)
POSTCODES = {"ghent": "9000", "antwerp": "2000"}


def stored(app: Flask, first_name: str, last_name: str, email: str, phone: str,
           branch: str = "ghent", days_ago: float = 0.0, status: str = "new") -> str:
    """An application as the form stores it, sent `days_ago`; its reference."""
    answers = dict(
        first_name=first_name, last_name=last_name, email=email, phone=phone, country="BE",
        postcode=POSTCODES[branch], birth_year="2000", sector="Logistique",
        languages=["nl"], availability=["weekend"],
    )
    with app.app_context():
        site = load_default()
        created = datetime.now(UTC) - timedelta(days=days_ago)
        application = submit_application(
            db.session, ApplicationInput("mentee", "nl", answers), site, created
        )
        assert application.branch_id == branch
        db.session.execute(update(Application).where(Application.id == application.id)
                           .values(status=status))
        db.session.commit()
        return application.reference


def search(app: Flask, scope, q: str, page: int = 1,  # type: ignore[no-untyped-def]
           page_size: int = 25) -> workspace.QueuePage:
    with app.app_context():
        found = workspace.queue(db.session, scope, load_default(), QueueFilter(q=q, page=page),
                                datetime.now(UTC), page_size=page_size)
        db.session.expunge_all()
        return found


def refs(page: workspace.QueuePage) -> list[str]:
    return [a.reference for a in page.rows]


def test_a_name_search_lists_overdue_matches_first_then_the_newest_page_by_page(app):
    # Sent 0.1 to 30 days ago; the call-back promise is 2 days, so "new" and older is overdue.
    ages = {0.1: "new", 1: "new", 3: "new", 5: "new", 10: "contacted", 20: "new", 30: "new"}
    made = {
        age: stored(app, "Sara", "Janssens", f"sara{i}@example.org", f"+3247000000{i}",
                    days_ago=age, status=status)
        for i, (age, status) in enumerate(ages.items())
    }
    stored(app, "Sara", "Peeters", "peeters@example.org", "+32470000010")
    stored(app, "Sara", "Janssens", "antwerp@example.org", "+32470000011", branch="antwerp",
           days_ago=4)
    expected = [made[a] for a in (3, 5, 20, 30, 0.1, 1, 10)]
    pages = [search(app, GHENT, "JANSS", page=n, page_size=3) for n in (1, 2, 3)]
    assert [refs(p) for p in pages] == [expected[:3], expected[3:6], expected[6:]]
    assert {(p.total, p.pages) for p in pages} == {(7, 3)}
    overdue = {made[a] for a in (3, 5, 20, 30)}
    for p in pages:
        assert {a.reference for a in p.rows if a.id in p.overdue_ids} == overdue & set(refs(p))
    # Past the last page: the last page.
    assert refs(search(app, GHENT, "janss", page=9, page_size=3)) == expected[6:]


def test_a_number_typed_without_its_country_code_finds_applicants_of_every_country(app):
    """A coordinator types the number as the applicant said it: "06 12 34 56 78" is French,
    "0470 12 34 56" Belgian; neither needs the +33 or +32 the key is stored with."""
    answers = dict(
        first_name="Inès", last_name="Martin", email="ines@example.org", phone="06 12 34 56 78",
        country="FR", postcode="75011", birth_year="2001", sector="Commerce",
        languages=["fr"], availability=["weekend"],
    )
    with app.app_context():
        paris = submit_application(
            db.session, ApplicationInput("mentee", "fr", answers), load_default(),
            datetime.now(UTC),
        )
        db.session.commit()
        assert (paris.branch_id, paris.phone_key) == ("paris", "+33612345678")
        paris = paris.reference
    ghent = stored(app, "Élodie", "Dubois", "elodie@example.org", "+32470123456")
    for q in ("06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "0033612345678"):
        assert refs(search(app, ADMIN, q)) == [paris], q
    assert refs(search(app, ADMIN, "0470 12 34 56")) == [ghent]
    # The scope still holds: Ghent's coordinator does not find the Paris applicant.
    assert search(app, GHENT, "06 12 34 56 78").total == 0


def test_a_search_by_email_phone_or_reference_stays_inside_the_scope(app):
    # The same person applied in Ghent, then in Antwerp.
    ghent = stored(app, "Élodie", "Dubois", "elodie@example.org", "+32470123456", days_ago=3)
    antwerp = stored(app, "Élodie", "Dubois", "elodie@example.org", "+32470123456",
                     branch="antwerp")
    for q in ("ELODIE@Example.org", "+32 470 12 34 56", "0470 12 34 56", ghent.lower(),
              "élodie dub", "DUBOIS"):
        assert refs(search(app, GHENT, q)) == [ghent], q
        assert set(refs(search(app, ADMIN, q))) == ({ghent, antwerp} if q != ghent.lower()
                                                     else {ghent}), q
    assert search(app, GHENT, antwerp).total == 0
    # Overdue first, also for an admin's search by e-mail.
    assert refs(search(app, ADMIN, "elodie@example.org")) == [ghent, antwerp]
    with app.app_context():
        exported = [r.reference for r in workspace.export_rows(
            db.session, GHENT, load_default(), QueueFilter(q="elodie@example.org"),
            datetime.now(UTC),
        )]
    assert exported == [ghent]


def test_a_search_that_folds_to_nothing_finds_nothing(app):
    stored(app, "Sara", "Janssens", "sara@example.org", "+32470000001")
    assert search(app, ADMIN, "--").total == 0
    assert search(app, ADMIN, "sara@elsewhere.example").total == 0
    assert search(app, ADMIN, "+32 470 99 99 99").total == 0
