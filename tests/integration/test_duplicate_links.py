"""Duplicate links at submission, on SQLite and PostgreSQL: a new application is linked both
ways to the newest earlier ones sharing a key, and to no more than MAX_LINKS of them, so the
twentieth form sent with one phone number costs what the second did."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select

from forms_service.extensions import db
from forms_service.models import DuplicateLink
from forms_service.services.applications import ApplicationInput, submit_application
from forms_service.services.duplicates import MAX_LINKS
from sitedata import load_default

pytestmark = pytest.mark.integration


def apply(app: Flask, n: int, phone: str = "+32470123456") -> int:
    """A young person's application from Ghent; every one shares the phone number."""
    answers = dict(
        first_name=f"Sara{'x' * n}", last_name="Janssens", email=f"sara{n}@example.org",
        phone=phone, country="BE", postcode="9000", birth_year=str(1990 + n % 10),
        sector="Logistique", languages=["nl"], availability=["weekend"],
    )
    with app.app_context():
        application = submit_application(
            db.session, ApplicationInput("mentee", "nl", answers), load_default(),
            datetime.now(UTC),
        )
        return application.id


def links_of(app: Flask, application_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [tuple(r) for r in db.session.execute(
            select(DuplicateLink.other_id, DuplicateLink.keys)
            .where(DuplicateLink.application_id == application_id)
            .order_by(DuplicateLink.other_id)
        )]


def test_a_new_application_is_linked_to_the_newest_earlier_ones_and_no_more(app: Flask):
    ids = [apply(app, n) for n in range(MAX_LINKS + 5)]
    newest = ids[-1]
    expected = ids[-1 - MAX_LINKS:-1]
    assert links_of(app, newest) == [(i, "phone") for i in expected]
    # Both ways: each of those is linked back to the newest.
    for other in expected:
        assert (newest, "phone") in links_of(app, other)
    # The oldest are not linked to the newest, but to the ones that came after them.
    assert newest not in [o for o, _ in links_of(app, ids[0])]
    assert [o for o, _ in links_of(app, ids[0])] == ids[1:1 + MAX_LINKS]
    with app.app_context():
        total = db.session.scalar(select(func.count()).select_from(DuplicateLink))
    # Every application but the first links at most MAX_LINKS earlier ones, both ways.
    assert total == 2 * sum(min(n, MAX_LINKS) for n in range(len(ids)))


def test_an_application_sharing_no_key_is_linked_to_nothing(app: Flask):
    apply(app, 0)
    alone = apply(app, 1, phone="+32470999999")
    assert links_of(app, alone) == []
