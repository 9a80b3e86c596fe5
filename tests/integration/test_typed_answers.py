"""Answers as people type them: digits of any script, names with joiners and no-break
spaces, a phone number shown back as typed; and what a forged request sends (a link in a
name, a checkbox value repeated thousands of times)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_support import ApplicationActions, make_app, stored
from flask import Flask
from markupsafe import escape

pytestmark = pytest.mark.integration

FOUR_DIGITS = {
    "en": "Enter the year you were born as four digits",
    "fr": "Indiquez votre année de naissance en quatre chiffres",
}


@pytest.fixture
def app(tmp_path: Path) -> Iterator[Flask]:
    app = make_app(f"sqlite:///{tmp_path / 'forms.sqlite3'}")
    yield app
    app.extensions["forms_service.engine"].dispose()


@pytest.fixture
def actions(app: Flask) -> ApplicationActions:
    return ApplicationActions(app.test_client())


@pytest.mark.parametrize(
    ("year", "postcode", "phone"),
    [
        # Arabic-Indic digits
        ("\u0661\u0669\u0666\u0660", "\u0662\u0660\u0660\u0660",
         "\u0660\u0664\u0667\u0660 \u0661\u0662 \u0663\u0664 \u0665\u0666"),
        # Persian digits
        ("\u06f1\u06f9\u06f6\u06f0", "\u06f2\u06f0\u06f0\u06f0",
         "\u06f0\u06f4\u06f7\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6"),
        # Full-width digits, as Japanese and Chinese keyboards type them
        ("\uff11\uff19\uff16\uff10", "\uff12\uff10\uff10\uff10",
         "\uff10\uff14\uff17\uff10 \uff11\uff12 \uff13\uff14 \uff15\uff16"),
    ],
)
def test_digits_of_any_script_are_accepted_and_stored_as_ascii_digits(
    app: Flask, actions: ApplicationActions, year: str, postcode: str, phone: str
) -> None:
    response = actions.submit("mentor", "en", birth_year=year, postcode=postcode, phone=phone)
    assert response.status_code == 303, response.text
    application = stored(app)[0][-1]
    assert application.answers["birth_year"] == "1960"
    assert application.answers["postcode"] == "2000"
    assert application.answers["phone"] == "+32470123456"
    assert application.branch_id == "antwerp"  # routed by the postcode read as 2000


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_someone_who_typed_four_digits_is_never_told_to_type_four_digits(
    actions: ApplicationActions, lang: str
) -> None:
    for year in ("\u0662\u0660\u0660\u0660", "\uff12\uff10\uff10\uff10", " 2000 "):
        response = actions.submit("mentee", lang, birth_year=year, email="nope")
        assert response.status_code == 400  # the e-mail address is wrong, not the year
        assert FOUR_DIGITS[lang] not in response.text
        assert 'id="birth_year-error"' not in response.text


def test_on_an_error_every_answer_is_shown_as_typed_and_stored_normalised_once_valid(
    app: Flask, actions: ApplicationActions
) -> None:
    typed = {
        "phone": "0470 12 34 56",
        "birth_year": "\u0661\u0669\u0666\u0660",
        "postcode": "\uff12\uff10\uff10\uff10",
        "first_name": "Marie\u2011Claire",
    }
    hidden = actions.open("mentor", "en")
    refused = actions.submit("mentor", "en", hidden=hidden, email="not an address", **typed)
    assert refused.status_code == 400
    for value in typed.values():
        assert f'value="{escape(value)}"' in refused.text, value
    assert "+32470123456" not in refused.text

    sent = actions.submit("mentor", "en", hidden=hidden, **typed)
    assert sent.status_code == 303
    answers = stored(app)[0][-1].answers
    assert (answers["phone"], answers["birth_year"], answers["postcode"]) == (
        "+32470123456", "1960", "2000"
    )
    assert answers["first_name"] == "Marie-Claire"


@pytest.mark.parametrize(
    ("kind", "name", "stored_as"),
    [
        ("mentee", "\u0646\u0627\u0632\u0646\u06cc\u0646\u200c\u0633\u0627\u062f\u0627\u062a",
         "\u0646\u0627\u0632\u0646\u06cc\u0646\u200c\u0633\u0627\u062f\u0627\u062a"),
        ("volunteer", "Jean\u00a0Pierre", "Jean Pierre"),
        ("mentor", "\U0001d40c\U0001d41a\U0001d42b\U0001d422\U0001d41e", "Marie"),
    ],
)
def test_names_with_joiners_and_no_break_spaces_are_accepted_in_one_form(
    app: Flask, actions: ApplicationActions, kind: str, name: str, stored_as: str
) -> None:
    response = actions.submit(kind, "en", first_name=name)
    assert response.status_code == 303, response.text
    assert stored(app)[0][-1].answers["first_name"] == stored_as


@pytest.mark.parametrize(
    ("kind", "field", "message"),
    [
        ("mentee", "first_name", "Write your first name without a web address"),
        ("mentor", "last_name", "Write your last name without a web address"),
        ("partner", "contact_name", "Write your name without a web address"),
    ],
)
def test_a_web_address_in_a_name_is_refused_with_a_message_naming_the_field(
    app: Flask, actions: ApplicationActions, kind: str, field: str, message: str
) -> None:
    """The confirmation greets the person by name: a stranger's address must not be used to
    send "Claim your prize at evil.example.com" to them."""
    response = actions.submit(kind, "en", **{field: "Claim your prize at evil.example.com"})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.text and message in response.text
    assert stored(app) == ([], [])


def test_a_checkbox_value_sent_three_thousand_times_is_stored_once(
    app: Flask, actions: ApplicationActions
) -> None:
    response = actions.submit(
        "mentor", "en", languages=["nl"] * 3000 + ["fr"], availability=["weekend"] * 500
    )
    assert response.status_code == 303
    answers = stored(app)[0][-1].answers
    assert answers["languages"] == ["nl", "fr"]
    assert answers["availability"] == ["weekend"]
