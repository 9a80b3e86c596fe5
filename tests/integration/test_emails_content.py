"""What the e-mails say: the confirmation repeats the answers, promises the call within the
delay set in data/programme.yml, says whom to write to and tells mentors about the training;
a notification for a branch without an inbox of its own says, at the top and in its subject,
that it is to be passed on. Dutch says "je", French keeps its typography."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_support import ApplicationActions, make_app, stored
from flask import Flask
from textchecks import NNBSP, formal_dutch_address, french_typography_errors

from forms_service import kinds
from sitedata import load_default

pytestmark = pytest.mark.integration
KINDS = ("mentor", "mentee", "partner", "volunteer")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'forms.sqlite3'}"


@pytest.fixture
def app(sqlite_url: str) -> Iterator[Flask]:
    app = make_app(sqlite_url)
    yield app
    app.extensions["forms_service.engine"].dispose()


def messages_for(app: Flask, kind: str, lang: str, **answers: object) -> tuple:
    response = ApplicationActions(app.test_client()).submit(kind, lang, **answers)
    assert response.status_code == 303, response.text
    confirmation, notification = stored(app)[1][-2:]
    return confirmation, notification


def with_call_back_days(monkeypatch: pytest.MonkeyPatch, days: int) -> None:
    site = load_default()
    call_back = site.programme.call_back.model_copy(update={"days": days})
    programme = site.programme.model_copy(update={"call_back": call_back})
    changed = site.model_copy(update={"programme": programme})
    monkeypatch.setattr(kinds, "load_default", lambda: changed)


def test_the_confirmation_repeats_each_answer_under_its_question(app: Flask) -> None:
    confirmation, _ = messages_for(app, "mentor", "fr", phone="0470 12 34 56")
    text = confirmation.body_text
    assert "Vos réponses" in text
    # The phone as stored, in groups: a wrong digit shows.
    assert f"Quel est votre numéro de téléphone{NNBSP}?\n  +32 470 12 34 56" in text
    assert f"Quel est votre prénom{NNBSP}?\n  Marie-Claire" in text
    assert f"Quelles langues parlez-vous{NNBSP}?\n  français, néerlandais" in text.replace(
        "Français, Néerlandais", "français, néerlandais"
    )
    assert "consent" not in text
    html = confirmation.body_html
    assert "<th scope=\"row\" align=\"left\" valign=\"top\">Quel est votre numéro de " in html
    assert "<td>+32 470 12 34 56</td>" in html


@pytest.mark.parametrize(
    "days, lang, promise",
    [(3, "fr", "dans les 3 jours"), (3, "nl", "binnen 3 dagen"), (1, "en", "within 1 day.")],
)
def test_the_confirmation_promises_the_call_within_the_days_set_in_data(
    app: Flask, monkeypatch: pytest.MonkeyPatch, days: int, lang: str, promise: str
) -> None:
    with_call_back_days(monkeypatch, days)
    confirmation, notification = messages_for(app, "mentee", lang)
    assert promise in confirmation.body_text and promise in confirmation.body_html
    assert "few days" not in confirmation.body_text
    # Marseille's notification is written in French, Marseille's language.
    assert f"{days} jour" in notification.body_text


def test_the_confirmation_says_whom_to_write_to_if_nobody_calls(app: Flask) -> None:
    confirmation, _ = messages_for(app, "mentor", "en")
    assert confirmation.reply_to == "brussels@duoforajob.be"
    assert ("Nobody has contacted you after 2 days? Reply to this e-mail, or write to "
            "brussels@duoforajob.be.") in confirmation.body_text


def test_an_operators_inbox_is_the_one_named_and_nothing_is_passed_on(sqlite_url: str) -> None:
    app = make_app(sqlite_url, BRANCH_INBOXES={"antwerp": "antwerpen@example.org"})
    confirmation, notification = messages_for(app, "mentor", "nl")
    assert confirmation.reply_to == notification.recipient == "antwerpen@example.org"
    assert "schrijf naar antwerpen@example.org" in confirmation.body_text
    assert "geen eigen e-mailadres" not in confirmation.body_text
    assert not notification.subject.startswith("Doorsturen")
    assert "DOORSTUREN" not in notification.body_text


def test_mentors_are_told_about_the_training_and_young_people_are_not(app: Flask) -> None:
    mentor, _ = messages_for(app, "mentor", "en")
    mentee, _ = messages_for(app, "mentee", "en", email="amina2@example.org")
    assert "you take part in our training for mentors" in mentor.body_text
    assert "active listening" in mentor.body_text
    assert "training" not in mentee.body_text


def test_a_branch_without_an_inbox_gets_a_notification_to_pass_on(app: Flask) -> None:
    """A young person from Marseille: the Brussels office reads it and passes it on."""
    confirmation, notification = messages_for(app, "mentee", "fr")
    assert load_default().branches.get("marseille").inbox is None
    assert notification.recipient == "brussels@duoforajob.be"
    assert notification.subject.startswith(f"À transmettre à l'antenne de Marseille{NNBSP}:")
    first_lines = notification.body_text.splitlines()[:2]
    assert first_lines[0] == "À TRANSMETTRE À L'ANTENNE DE MARSEILLE"
    assert "bureau de Bruxelles" in first_lines[1] and "Transmettez-le" in first_lines[1]
    body_html = html.unescape(notification.body_html)
    assert "<h1>À TRANSMETTRE À L'ANTENNE DE MARSEILLE</h1>" in body_html
    # The young person is told the truth: Marseille, through the Brussels office.
    assert "transmise à l'antenne de Marseille" in confirmation.body_text
    assert "notre bureau de Bruxelles reçoit vos réponses" in confirmation.body_text


def test_a_branch_with_its_own_inbox_gets_a_plain_notification(sqlite_url: str) -> None:
    app = make_app(sqlite_url, BRANCH_INBOXES={"marseille": "marseille@example.org"})
    confirmation, notification = messages_for(app, "mentee", "fr")
    assert notification.recipient == "marseille@example.org"
    assert notification.subject.startswith("Nouvelle inscription (jeune)")
    assert "TRANSMETTRE" not in notification.body_text
    assert "bureau" not in confirmation.body_text


def test_a_partner_is_written_to_as_an_organisation(app: Flask) -> None:
    confirmation, notification = messages_for(app, "partner", "fr")
    assert confirmation.subject.startswith("Votre message à DUO for a JOB")
    assert notification.subject.startswith(
        f"À transmettre à l'antenne de Liège{NNBSP}: Nouveau message d'un partenaire"
    )
    assert "la personne de contact de l'organisation" in notification.body_text
    for message in (confirmation, notification):
        text = message.subject + message.body_text
        assert "inscri" not in text and "candidat" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_dutch_emails_say_je_to_their_reader(app: Flask, kind: str) -> None:
    confirmation, _ = messages_for(app, kind, "nl")
    for text in (confirmation.subject, confirmation.body_text):
        assert formal_dutch_address(text) == []
    # A Dutch-speaking branch's notification (Antwerp for the mentor).
    if kind == "mentor":
        notification = stored(app)[1][-1]
        assert formal_dutch_address(notification.subject + notification.body_text) == []


@pytest.mark.parametrize("kind", KINDS)
def test_french_emails_keep_french_typography(app: Flask, kind: str) -> None:
    confirmation, notification = messages_for(app, kind, "fr")
    for text in (confirmation.subject, confirmation.body_text, confirmation.body_html):
        assert french_typography_errors(text) == []
    if kind in ("mentee", "partner"):  # Marseille and Liège write French
        assert french_typography_errors(notification.subject + notification.body_text) == []
