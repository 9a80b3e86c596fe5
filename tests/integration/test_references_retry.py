"""A reference already taken is drawn again; when every try is taken, nothing is stored.

References are random (26^6), so a collision is forced here by making the service draw a
reference that an earlier application already holds. On SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from apply_support import VALID, ApplicationActions, stored
from flask import Flask
from sqlalchemy import event

from forms_service.domain.references import new_reference
from forms_service.extensions import db
from forms_service.services import applications
from forms_service.services.applications import (
    REFERENCE_ATTEMPTS,
    ApplicationInput,
    ReferenceSpaceExhausted,
    submit_application,
)
from sitedata import load_default

pytestmark = pytest.mark.integration

SECOND = dict(VALID["mentor"], first_name="Joost", last_name="Claes", email="joost@example.org")


def draws(*references: str) -> Iterator[str]:
    """What new_reference will return, in turn; then fresh ones."""
    yield from references
    while True:
        yield new_reference()


def first_application(actions: ApplicationActions) -> str:
    """Store one application through the form; returns its reference."""
    response = actions.submit("mentor", "fr")
    assert response.status_code == 303
    return response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]


def count_application_inserts(app: Flask) -> list[str]:
    """Every INSERT into the application table from now on (one per try)."""
    seen: list[str] = []

    def listen(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("INSERT INTO APPLICATION "):
            seen.append(statement)

    event.listen(app.extensions["forms_service.engine"], "before_cursor_execute", listen)
    return seen


def submit_second(app: Flask) -> object:
    data = ApplicationInput(
        kind="mentor", lang="nl",
        answers={k: v for k, v in SECOND.items() if k != "consent"},
        submission_token="second-form-token-0123456789",
    )
    with app.app_context():
        return submit_application(db.session, data, load_default(), datetime.now(UTC))


def test_a_taken_reference_is_drawn_again_and_the_application_stored_once(
    app: Flask, actions: ApplicationActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = first_application(actions)
    fresh = "DUO-FRESH7"
    monkeypatch.setattr(applications, "new_reference", draws(taken, fresh).__next__)
    inserts = count_application_inserts(app)

    submit_second(app)

    rows, messages = stored(app)
    assert [r.reference for r in rows] == [taken, fresh]
    assert rows[1].email == "joost@example.org"
    assert len(inserts) == 2  # the collision, then the fresh reference
    # Two messages each, the second pair about the second application only.
    assert [m.application_id for m in messages] == [rows[0].id] * 2 + [rows[1].id] * 2
    assert fresh in messages[2].subject and taken not in messages[2].subject


def test_a_reference_taken_several_times_in_a_row_is_drawn_until_free(
    app: Flask, actions: ApplicationActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = first_application(actions)
    fresh = "DUO-FRESH9"
    collisions = [taken] * (REFERENCE_ATTEMPTS - 1)
    monkeypatch.setattr(applications, "new_reference", draws(*collisions, fresh).__next__)
    inserts = count_application_inserts(app)

    submit_second(app)

    rows, _ = stored(app)
    assert [r.reference for r in rows] == [taken, fresh]
    assert len(inserts) == REFERENCE_ATTEMPTS


def test_when_every_reference_drawn_is_taken_nothing_is_stored(
    app: Flask, actions: ApplicationActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = first_application(actions)
    before = stored(app)
    monkeypatch.setattr(applications, "new_reference", lambda: taken)
    inserts = count_application_inserts(app)

    with pytest.raises(ReferenceSpaceExhausted):
        submit_second(app)

    assert len(inserts) == REFERENCE_ATTEMPTS  # it gave up after that many tries
    rows, messages = stored(app)
    assert [r.reference for r in rows] == [r.reference for r in before[0]]
    assert [m.id for m in messages] == [m.id for m in before[1]]


def test_a_visitor_whose_references_run_out_gets_their_form_back_and_nothing_half_stored(
    app: Flask, actions: ApplicationActions, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = first_application(actions)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # the answer a visitor gets, not the traceback
    monkeypatch.setattr(applications, "new_reference", lambda: taken)

    response = actions.submit("mentor", "nl", email="joost@example.org")

    # "Try again in a few minutes", in the page's language, with the answers still there.
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert "Location" not in response.headers
    assert '<html lang="nl">' in response.text
    assert 'value="joost@example.org"' in response.text
    rows, messages = stored(app)
    assert len(rows) == 1 and len(messages) == 2

    # The service is whole afterwards: the same person sending again is stored.
    monkeypatch.setattr(applications, "new_reference", new_reference)
    again = actions.submit("mentor", "nl", email="joost@example.org")
    assert again.status_code == 303
    assert len(stored(app)[0]) == 2
