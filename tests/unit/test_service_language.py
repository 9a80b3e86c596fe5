"""The service's words: one register per language, French typography, one word per thing, and
the facts (call-back delay, ages, example numbers) read from data/programme.yml."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import force_locale
from textchecks import NNBSP, formal_dutch_address, french_typography_errors

from forms_service import kinds as kinds_module
from forms_service.kinds import EXAMPLE_PHONE, EXAMPLE_PHONE_INTERNATIONAL, KINDS
from sitedata import load_default

TRANSLATIONS = Path(__file__).resolve().parents[2] / "forms_service" / "translations"
LANGS = ("fr", "nl", "en")


def catalogue(lang: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) for every message and every plural form of the language."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    pairs = []
    for m in messages:
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        pairs += [(ids[min(i, len(ids) - 1)], s) for i, s in enumerate(strings)]
    return pairs


@pytest.fixture(scope="module")
def app() -> Flask:
    from forms_service import create_app

    return create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": "sqlite://",
                       "SITE_DIR": "/nonexistent"})


@pytest.fixture
def in_language(app: Flask) -> Iterator:
    def text(value: object, lang: str) -> str:
        with force_locale(lang):
            return str(value)

    with app.test_request_context():
        yield text


def with_programme(monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
    """data/programme.yml as if it said otherwise: `call_back_days=3`, `mentor_min_age=55`."""
    site = load_default()
    programme = site.programme
    if "call_back_days" in changes:
        call_back = programme.call_back.model_copy(update={"days": changes["call_back_days"]})
        programme = programme.model_copy(update={"call_back": call_back})
    if "mentor_min_age" in changes:
        mentor = programme.eligibility.mentor.model_copy(
            update={"min_age": changes["mentor_min_age"]}
        )
        eligibility = programme.eligibility.model_copy(update={"mentor": mentor})
        programme = programme.model_copy(update={"eligibility": eligibility})
    changed = site.model_copy(update={"programme": programme})
    monkeypatch.setattr(kinds_module, "load_default", lambda: changed)


# --- the checkers themselves -----------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["Wat is uw naam?", "Vul u e-mailadres in", "Kijk het na voor uzelf.", "U bent welkom"]
)
def test_formal_dutch_is_found(text: str) -> None:
    assert formal_dutch_address(text)


@pytest.mark.parametrize(
    "text", ["Wat is je naam?", "Jouw aanmelding", "Schrijf naar %(u)s of naar uwe@example.org",
             "https://example.org/u/uw", "Bijvoorbeeld 3011 AB, Rotterdam", "Hulp"],
)
def test_informal_dutch_and_non_prose_pass(text: str) -> None:
    assert formal_dutch_address(text) == []


@pytest.mark.parametrize(
    "text", ["Erreur :", "Erreur:", "Quel est votre nom ?", "Attention !", "oui ; non",
             "la page « Impact »", f"la page «{NNBSP}Impact »", "Pourquoi\u00a0?"],
)
def test_french_typography_errors_are_found(text: str) -> None:
    assert french_typography_errors(text)


@pytest.mark.parametrize(
    "text", [f"Erreur{NNBSP}:", f"Quel est votre nom{NNBSP}?", f"Quoi{NNBSP}?!",
             f"la page «{NNBSP}Impact{NNBSP}»", "https://example.org/fr/apply/?branch=ghent",
             "à 10:30", f"Votre référence{NNBSP}: %(reference)s", "écrivez à a@b.be."],
)
def test_correct_french_typography_passes(text: str) -> None:
    assert french_typography_errors(text) == []


# --- the catalogue ----------------------------------------------------------------------


def test_no_dutch_message_addresses_the_reader_as_u() -> None:
    found = {msgid: formal_dutch_address(s) for msgid, s in catalogue("nl") if s}
    assert {k: v for k, v in found.items() if v} == {}


def test_every_french_message_has_narrow_no_break_spaces() -> None:
    found = {msgid: french_typography_errors(s) for msgid, s in catalogue("fr") if s}
    assert {k: v for k, v in found.items() if v} == {}


# One word per thing, per language: the word the site's pages use, never its rivals
# (tests/unit/test_site_content.py holds the pages to the same words).
RIVALS = {
    "fr": {"jeune": r"\bmentoré", "antenne": r"\b(succursale|branche|agence|afdeling)s?\b",
           "subvention": r"\bsubsides?\b", "inscription": r"\bcandidature"},
    "nl": {"afdeling": r"\b(vestiging|filiaal|antenne)", "inschrijving": r"\baanmeld",
           "subsidies": r"\bsubsidie(?!s)\b"},
}


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_one_word_per_thing(lang: str) -> None:
    strings = [s for _, s in catalogue(lang) if s]
    for word, rival in RIVALS[lang].items():
        assert any(word in s.lower() for s in strings), word
        assert [s for s in strings if re.search(rival, s, re.IGNORECASE)] == [], word


def test_french_names_the_coordinator_in_both_genders() -> None:
    strings = [s for _, s in catalogue("fr") if re.search(r"\bcoordinat(eur|rice)", s)]
    assert strings
    assert [s for s in strings if not ("coordinateur" in s.lower() and "coordinatrice" in s)] == []


def test_partners_are_not_applicants(in_language) -> None:
    partner = KINDS["partner"]
    consent = partner.question("consent").label
    for lang in LANGS:
        assert not re.search(r"inscription|inschrijving|application", in_language(consent, lang))


# --- facts from data --------------------------------------------------------------------


CALL = {"fr": "dans les 3 jours", "nl": "binnen 3 dagen", "en": "within 3 days"}
CALL_ONE = {"fr": "1 jour", "nl": "binnen 1 dag", "en": "within 1 day"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_phone_hint_promises_the_call_back_delay_from_data(
    in_language, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    hint = KINDS["mentee"].question("phone").hint
    with_programme(monkeypatch, call_back_days=3)
    assert CALL[lang] in in_language(hint, lang)
    with_programme(monkeypatch, call_back_days=1)
    text = in_language(hint, lang)
    assert CALL_ONE[lang] in text and "jours" not in text and "dagen" not in text


MENTOR_AGE = {"fr": "55 ans ou plus", "nl": "55 jaar of ouder", "en": "aged 55 or over"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_mentor_introduction_states_the_age_rule_from_data(
    in_language, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    with_programme(monkeypatch, mentor_min_age=55)
    assert MENTOR_AGE[lang] in in_language(KINDS["mentor"].intro, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_the_mentee_criteria_ask_a_permit_only_of_those_who_are_not_nationals(
    in_language, lang: str
) -> None:
    with force_locale(lang):
        criteria = list(KINDS["mentee"].criteria)
    permit = [c.text for c in criteria if re.search(r"séjour|verblijf|permit", c.text)]
    assert len(permit) == 1
    assert re.search(r"pas la nationalité|niet de nationaliteit|not a national", permit[0])
    rules = load_default().programme.eligibility
    # The same words as the site's pages: data/programme.yml's conditions, in its order.
    texts = [c.text.rstrip(f".;{NNBSP}") for c in criteria]
    assert texts[:-1] == [c.text[lang] for c in rules.mentee_conditions.items]
    details = " ".join(d for c in criteria for d in c.details)
    for rule in rules.mentee.values():
        assert f"{rule.min_age} " in details and f"{rule.max_age} " in details


def years_in(text: str) -> list[int]:
    return [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", text)]


@pytest.mark.parametrize("lang", LANGS)
def test_each_kind_shows_a_birth_year_that_fits_it(in_language, lang: str) -> None:
    rules = load_default().programme.eligibility
    this_year = date.today().year
    [mentee_year] = years_in(in_language(KINDS["mentee"].question("birth_year").hint, lang))
    for age_range in rules.mentee.values():
        assert age_range.min_age <= this_year - mentee_year <= age_range.max_age
    [mentor_year] = years_in(in_language(KINDS["mentor"].question("birth_year").hint, lang))
    assert this_year - mentor_year - 1 >= rules.mentor.min_age


def digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_example_phone_numbers_are_obviously_made_up(in_language) -> None:
    """Nobody's real number: a run of zeros, and never a branch's published number."""
    real = {digits(b.phone)[-8:] for b in load_default().branches.branches if b.phone}
    assert real, "branches.yml publishes at least the head office's number"
    examples = set()
    for kind in KINDS.values():
        for q in kind.questions:
            for lang in LANGS:
                text = in_language(q.hint, lang) if q.hint else ""
                examples |= set(re.findall(r"\+?\d[\d ]{6,}\d", text))
    assert examples == {EXAMPLE_PHONE, EXAMPLE_PHONE_INTERNATIONAL}
    for example in examples:
        assert digits(example).endswith("000000")
        assert digits(example)[-8:] not in real
