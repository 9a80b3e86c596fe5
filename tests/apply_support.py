"""What the service tests share: an app on a given database, valid answers for each form,
and a person's actions (with the test client, or in a browser)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select


def make_app(database_url: str, **config: Any) -> Flask:
    from forms_service import create_app
    from forms_service.db import upgrade

    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "SITE_DIR": "/nonexistent",
        "RATELIMIT_ENABLED": False,
        "MAIL_SERVER": None,
    }
    settings.update(config)
    app = create_app(settings)
    if database_url.startswith("sqlite"):
        upgrade(app)
    return app


HIDDEN = re.compile(
    r'<input id="(csrf_token|submission_token)" name="\1" type="hidden" value="([^"]*)"'
)

VALID: dict[str, dict[str, Any]] = {
    "mentor": dict(
        first_name="Marie-Claire", last_name="Dubois", email="marie@example.org",
        phone="0470 12 34 56", country="BE", postcode="2000", birth_year="1960",
        sector="Logistique", languages=["fr", "nl"], availability=["weekday_daytime"],
        heard_from="friend", consent="y",
    ),
    "mentee": dict(
        first_name="Amina", last_name="N'Diaye", email="amina@example.org",
        phone="06 12 34 56 78", country="FR", postcode="13001", birth_year="2000",
        sector="Soins infirmiers", languages=["fr", "other"], availability=["weekend"],
        consent="y",
    ),
    "partner": dict(
        organisation="CPAS de Liège", contact_name="Jan Peeters", email="jan@example.org",
        phone="+32 4 220 58 11", country="BE", postcode="4000",
        partnership_type="field_collaboration", message="We send young people.", consent="y",
    ),
    "volunteer": dict(
        first_name="Олена", last_name="Коваленко", email="olena@example.org",
        phone="+31 10 123 4567", country="NL", postcode="3011 AB", role="cv_review",
        availability=["weekday_evening"], consent="y",
    ),
}


# Answered by ticking: radios and checkboxes (the first option carries the field's id, the
# others <id>-1, <id>-2…), picked here by their value.
TICKED = {"country", "heard_from", "partnership_type", "role", "languages", "availability",
          "consent"}


def fill_in(page: Any, kind: str, **overrides: Any) -> None:
    """Type valid answers into the open `kind` form in a browser (a Playwright page):
    VALID[kind] with `overrides`; None leaves a question unanswered."""
    answers = {**VALID[kind], **overrides}
    for name, value in answers.items():
        if value is None:
            continue
        if name not in TICKED:
            page.fill(f"#{name}", value)
            continue
        for choice in value if isinstance(value, list) else [value]:
            page.check(f'input[name="{name}"][value="{choice}"]')


@dataclass
class ApplicationActions:
    """What a person does: open a form, fill it in, send it."""

    client: FlaskClient

    def open(self, kind: str, lang: str) -> dict[str, str]:
        page = self.client.get(f"/{lang}/apply/{kind}/")
        assert page.status_code == 200
        return dict(HIDDEN.findall(page.text))

    def submit(self, kind: str, lang: str, hidden: dict[str, str] | None = None, **overrides: Any):
        hidden = hidden if hidden is not None else self.open(kind, lang)
        data = {**VALID[kind], **hidden, **overrides}
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(f"/{lang}/apply/{kind}/", data=data)


def stored(app: Flask) -> tuple[list[Any], list[Any]]:
    """Every application and every outbox message, oldest first."""
    from forms_service.extensions import db
    from forms_service.models import Application, OutboxMessage

    with app.app_context():
        apps = db.session.scalars(select(Application).order_by(Application.id)).all()
        msgs = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        db.session.expunge_all()
    return list(apps), list(msgs)
