"""Each form in each language, valid and invalid, on SQLite and on PostgreSQL."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from apply_support import VALID, ApplicationActions, stored
from textchecks import formal_dutch_address, french_typography_errors

from sitedata.urls import page_url

pytestmark = pytest.mark.integration

LANGS = ("fr", "nl", "en")
KINDS = ("mentor", "mentee", "partner", "volunteer")
EXPECTED_BRANCH = {"mentor": "antwerp", "mentee": "marseille", "partner": "liege",
                   "volunteer": "rotterdam"}
CITY = {
    ("antwerp", "fr"): "Anvers", ("antwerp", "nl"): "Antwerpen", ("antwerp", "en"): "Antwerp",
    ("marseille", "fr"): "Marseille", ("marseille", "nl"): "Marseille",
    ("marseille", "en"): "Marseille",
    ("liege", "fr"): "Liège", ("liege", "nl"): "Luik", ("liege", "en"): "Liège",
    ("rotterdam", "fr"): "Rotterdam", ("rotterdam", "nl"): "Rotterdam",
    ("rotterdam", "en"): "Rotterdam",
}
THANKS = {"fr": "Merci, nous avons bien reçu votre inscription",
          "nl": "Bedankt, we hebben je inschrijving ontvangen",
          "en": "Thank you, we have received your application"}
# Partners write in: they send a message, not an application.
THANKS_PARTNER = {"fr": "Merci, nous avons bien reçu votre message",
                  "nl": "Bedankt, we hebben je bericht ontvangen",
                  "en": "Thank you, we have received your message"}
PROBLEM = {"fr": "Il y a un problème", "nl": "Er is een probleem", "en": "There is a problem"}
EMAIL_REQUIRED = {"fr": "Indiquez votre adresse e-mail", "nl": "Vul je e-mailadres in",
                  "en": "Enter your e-mail address"}


def text_of(body: str) -> str:
    return html.unescape(body)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_valid_application_is_stored_with_two_messages_and_thanks_names_the_branch(
    app, actions: ApplicationActions, kind: str, lang: str
) -> None:
    response = actions.submit(kind, lang)
    assert response.status_code == 303
    location = response.headers["Location"]
    match = re.fullmatch(rf"/{lang}/apply/{kind}/thanks/(DUO-[A-Z0-9]{{6}})/", location)
    assert match, location
    reference = match.group(1)

    applications, messages = stored(app)
    assert len(applications) == 1
    row = applications[0]
    assert (row.reference, row.kind, row.lang, row.status) == (reference, kind, lang, "new")
    assert row.branch_id == EXPECTED_BRANCH[kind]
    assert row.email == VALID[kind]["email"]
    assert row.privacy_version == "2026-11"
    assert row.consent_at is not None and row.created_at is not None
    assert "consent" not in row.answers and "csrf_token" not in row.answers
    assert not set("0O1IL5S8B") & set(reference[4:])

    assert [m.kind for m in messages] == ["confirmation", "notification"]
    confirmation, notification = messages
    assert confirmation.recipient == VALID[kind]["email"]
    assert reference in confirmation.subject and reference in confirmation.body_text
    assert CITY[(EXPECTED_BRANCH[kind], lang)] in confirmation.body_text
    assert notification.reply_to == VALID[kind]["email"]
    assert notification.recipient == "brussels@duoforajob.be"
    assert all(m.status == "pending" and m.attempts == 0 for m in messages)

    page = actions.client.get(location)
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    assert (THANKS_PARTNER if kind == "partner" else THANKS)[lang] in text_of(page.text)
    assert CITY[(EXPECTED_BRANCH[kind], lang)] in text_of(page.text)
    assert reference in page.text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_invalid_application_shows_errors_in_the_page_language_and_keeps_values(
    app, actions: ApplicationActions, kind: str, lang: str
) -> None:
    name_field = "contact_name" if kind == "partner" else "first_name"
    name = VALID[kind][name_field]
    response = actions.submit(kind, lang, email="", consent=None)
    assert response.status_code == 400
    body = text_of(response.text)
    assert PROBLEM[lang] in body
    assert f'<a href="#email">{EMAIL_REQUIRED[lang]}</a>' in body
    assert 'href="#consent"' in body
    assert 'id="email-error"' in body
    assert f'value="{name}"' in body
    # The consent box is never ticked for the person.
    assert re.search(r'id="consent" name="consent" type="checkbox" value="y">', response.text)
    assert stored(app) == ([], [])


def test_names_in_any_script_are_accepted(app, actions: ApplicationActions) -> None:
    names = ["محمد", "ሰላም ተስፋይ", "Олена", "N'Diaye", "Jean-Pierre", "Nguyễn"]
    for name in names:
        response = actions.submit("volunteer", "en", first_name=name, last_name="")
        assert response.status_code == 303, name
    applications, _ = stored(app)
    assert [a.answers["first_name"] for a in applications] == names


@pytest.mark.parametrize(
    "phone, country, expected",
    [("0470 12 34 56", "BE", "+32470123456"), ("+32 470 12 34 56", "BE", "+32470123456"),
     ("06 12 34 56 78", "FR", "+33612345678"), ("010 123 4567", "NL", "+31101234567")],
)
def test_phone_numbers_are_stored_in_international_form(
    app, actions: ApplicationActions, phone: str, country: str, expected: str
) -> None:
    postcode = {"BE": "1050", "FR": "75011", "NL": "3011 AB"}[country]
    response = actions.submit("volunteer", "en", phone=phone, country=country, postcode=postcode)
    assert response.status_code == 303
    assert stored(app)[0][0].answers["phone"] == expected


def test_young_mentor_is_told_the_age_rule_and_whom_to_write_to(
    app, actions: ApplicationActions
) -> None:
    response = actions.submit("mentor", "fr", birth_year="1990")
    assert response.status_code == 400
    body = text_of(response.text)
    assert "Les mentors ont 50 ans ou plus" in body
    assert "brussels@duoforajob.be" in body
    assert 'value="1990"' in body and 'value="Marie-Claire"' in body
    assert stored(app) == ([], [])


def test_mentee_outside_the_dutch_range_is_told_the_range(app, actions: ApplicationActions) -> None:
    response = actions.submit("mentee", "nl", country="NL", postcode="3011 AB", birth_year="1970",
                              phone="+31 10 123 4567")
    assert response.status_code == 400
    assert "jongeren van 18 tot 34 jaar" in text_of(response.text)


def test_sending_the_same_form_twice_creates_one_application(
    app, actions: ApplicationActions
) -> None:
    hidden = actions.open("mentor", "en")
    first = actions.submit("mentor", "en", hidden=hidden)
    second = actions.submit("mentor", "en", hidden=hidden)
    assert first.status_code == second.status_code == 303
    assert first.headers["Location"] == second.headers["Location"]
    applications, messages = stored(app)
    assert len(applications) == 1 and len(messages) == 2


def test_a_missing_csrf_token_brings_the_form_back_filled_with_a_fresh_token(
    app, actions: ApplicationActions
) -> None:
    hidden = actions.open("mentee", "nl")
    hidden["csrf_token"] = "expired-or-forged"
    response = actions.submit("mentee", "nl", hidden=hidden)
    assert response.status_code == 400
    body = text_of(response.text)
    assert "Je formulier stond lang open" in body
    assert 'value="Amina"' in body and 'value="2000"' in body
    fresh = dict(re.findall(r'id="(csrf_token)" name="csrf_token" type="hidden" value="([^"]+)"',
                            response.text))
    assert fresh["csrf_token"] != "expired-or-forged"
    again = actions.submit("mentee", "nl", hidden={**hidden, **fresh})
    assert again.status_code == 303
    assert len(stored(app)[0]) == 1


def test_a_filled_honeypot_looks_successful_but_stores_nothing(
    app, actions: ApplicationActions
) -> None:
    response = actions.submit("partner", "en", website="http://spam.example")
    assert response.status_code == 303  # as a real submission: a bot cannot tell
    thanks = actions.client.get(response.headers["Location"])
    assert "Thank you, we have received your message" in text_of(thanks.text)
    assert stored(app) == ([], [])


def test_an_oversized_request_gets_a_413_page(app, actions: ApplicationActions) -> None:
    response = actions.submit("partner", "nl", message="x" * 70_000)
    assert response.status_code == 413
    assert "Je antwoorden zijn te lang" in text_of(response.text)


@pytest.mark.parametrize(
    "path", ["/de/apply/mentor/", "/en/apply/donor/", "/en/apply/mentor/thanks/DUO-AAAAAA/"]
)
def test_unknown_language_kind_or_reference_is_not_found(client, path: str) -> None:
    assert client.get(path).status_code == 404


def test_the_language_switcher_sends_the_form_to_the_other_languages(client) -> None:
    """On a form, each other language is a button of the form: it carries the answers."""
    body = client.get("/nl/apply/partner/").text
    for code in ("fr", "en"):
        assert re.search(
            rf'<button class="language-switch" form="application" '
            rf'formaction="/{code}/apply/partner/language/" lang="{code}">', body
        )
    assert '<form id="application" method="post" action="/nl/apply/partner/"' in body
    assert 'href="/nl/privacy/"' in body and 'href="/nl/"' in body


def test_switching_language_keeps_the_answers_and_shows_no_error(
    app, actions: ApplicationActions
) -> None:
    hidden = actions.open("mentee", "fr")
    half = {**hidden, "first_name": "Amina", "birth_year": "2001", "phone": "0470 00 00 00",
            "languages": ["fr", "nl"], "branch": "ghent"}
    response = actions.client.post("/nl/apply/mentee/language/", data=half)
    assert response.status_code == 200
    body = text_of(response.text)
    assert '<html lang="nl">' in body and "Een mentor vinden" in body
    assert 'value="Amina"' in body and 'value="2001"' in body
    assert 'value="0470 00 00 00"' in body
    assert re.search(r'name="languages" type="checkbox" value="fr" checked', body)
    assert re.search(r'name="languages" type="checkbox" value="nl" checked', body)
    assert '<option value="ghent" selected>Gent</option>' in body
    assert "Er is een probleem" not in body and "field-error" not in body
    assert stored(app) == ([], [])
    # The form goes on in Dutch, with the same hidden tokens.
    done = actions.submit("mentee", "nl", hidden=hidden, branch="ghent")
    assert done.status_code == 303
    assert stored(app)[0][0].lang == "nl"


def test_switching_language_with_an_expired_token_still_keeps_the_answers(
    app, actions: ApplicationActions
) -> None:
    hidden = {**actions.open("partner", "en"), "csrf_token": "expired-or-forged"}
    response = actions.client.post("/fr/apply/partner/language/",
                                   data={**hidden, "organisation": "CPAS de Liège"})
    assert response.status_code == 400
    body = text_of(response.text)
    assert 'value="CPAS de Liège"' in body and "Vos réponses sont toujours là" in body
    fresh = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', body)
    assert fresh and fresh.group(1) != "expired-or-forged"
    assert stored(app) == ([], [])


def test_the_language_switch_address_opened_directly_leads_to_the_form(client) -> None:
    response = client.get("/en/apply/mentor/language/")
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/apply/mentor/"
    assert client.get("/de/apply/mentor/language/").status_code == 404


def test_a_branch_page_link_preselects_the_branch_in_every_language(client) -> None:
    body = client.get("/fr/apply/mentee/?branch=ghent").text
    assert '<option value="ghent" selected>Gand</option>' in body
    assert '<option value="" selected>' in client.get("/fr/apply/mentee/?branch=nowhere").text


def test_a_chosen_branch_overrides_the_postcode(app, actions: ApplicationActions) -> None:
    actions.submit("mentor", "en", branch="ghent")
    assert stored(app)[0][0].branch_id == "ghent"


def test_operator_inbox_override_receives_the_notification(database_url: str) -> None:
    from apply_support import make_app

    app = make_app(database_url, BRANCH_INBOXES={"antwerp": "antwerpen@example.org"})
    ApplicationActions(app.test_client()).submit("mentor", "nl")
    assert stored(app)[1][1].recipient == "antwerpen@example.org"


def test_applicant_data_is_escaped_in_the_html_notification(
    app, actions: ApplicationActions
) -> None:
    actions.submit("partner", "en", organisation="<b>Evil & Co</b>",
                   message="<script>alert(1)</script>")
    notification = stored(app)[1][1]
    assert "<script>" not in notification.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in notification.body_html
    assert "&lt;b&gt;Evil &amp; Co&lt;/b&gt;" in notification.body_html


def test_line_breaks_in_a_name_are_refused(app, actions: ApplicationActions) -> None:
    response = actions.submit("mentor", "en", first_name="Eve\r\nBcc: victim@example.org")
    assert response.status_code == 400
    assert stored(app) == ([], [])


@pytest.mark.parametrize(
    "kind, field, limit, message",
    [
        ("mentor", "first_name", 100, "Your first name must be 100 characters or fewer"),
        ("mentor", "last_name", 100, "Your last name must be 100 characters or fewer"),
        ("mentee", "sector", 200, "Your field of work must be 200 characters or fewer"),
        ("volunteer", "message", 3000, "Your message must be 3000 characters or fewer"),
        ("partner", "organisation", 200,
         "The name of your organisation must be 200 characters or fewer"),
        ("partner", "contact_name", 200, "Your name must be 200 characters or fewer"),
        ("partner", "message", 3000, "Your message must be 3000 characters or fewer"),
    ],
)
def test_a_length_error_names_its_field(
    app, actions: ApplicationActions, kind: str, field: str, limit: int, message: str
) -> None:
    response = actions.submit(kind, "en", **{field: "a" * (limit + 1)})
    assert response.status_code == 400
    assert f'<a href="#{field}">{message}</a>' in text_of(response.text)


def test_a_length_error_names_its_field_in_dutch(app, actions: ApplicationActions) -> None:
    response = actions.submit("mentor", "nl", first_name="a" * 101)
    assert "Je voornaam mag hoogstens 100 tekens lang zijn" in text_of(response.text)


@pytest.mark.parametrize(
    "lang, rule", [("fr", "Les mentors ont 50 ans ou plus."),
                   ("nl", "Mentoren zijn 50 jaar of ouder."),
                   ("en", "Mentors are aged 50 or over.")],
)
def test_the_mentor_age_is_said_in_the_sites_words(
    app, actions: ApplicationActions, lang: str, rule: str
) -> None:
    response = actions.submit("mentor", lang, birth_year="1995")
    assert rule in text_of(response.text)


@pytest.mark.parametrize("kind", ["mentor", "mentee"])
def test_a_badly_typed_year_is_answered_with_an_example_that_fits_the_kind(
    app, actions: ApplicationActions, kind: str
) -> None:
    from datetime import date

    from sitedata import load_default

    response = actions.submit(kind, "en", birth_year="62")
    match = re.search(r"Enter the year you were born as four digits, like (\d{4})",
                      text_of(response.text))
    assert match, response.text
    age = date.today().year - int(match.group(1))
    rules = load_default().programme.eligibility
    if kind == "mentor":
        assert age > rules.mentor.min_age
    else:
        assert all(r.min_age <= age <= r.max_age for r in rules.mentee.values())


# --- one site: the forms have the site's header, footer and font ----------------------------

PROJECT = Path(__file__).resolve().parents[2]


def mkdocs_config() -> dict:
    loader = type("Loader", (yaml.SafeLoader,), {})
    loader.add_constructor("!ENV", lambda loader, node: None)
    return yaml.load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=loader)


def site_sections(lang: str) -> list[tuple[str, str]]:
    """(title, URL of its first page) for each section of the site's navigation."""
    config = mkdocs_config()
    i18n = next(p["i18n"] for p in config["plugins"] if isinstance(p, dict) and "i18n" in p)
    names = {locale["locale"]: locale.get("nav_translations", {}) for locale in i18n["languages"]}
    sections = []
    for entry in config["nav"]:
        [(title, children)] = entry.items()
        if isinstance(children, list):
            [(_, first)] = children[0].items()
            path = first.removesuffix("index.md").removesuffix(".md")
            path = path + "/" if path and not path.endswith("/") else path
            sections.append((names[lang].get(title, title), page_url(lang, path)))
    return sections


@pytest.mark.parametrize("lang", LANGS)
def test_the_header_links_to_the_sites_sections_as_its_navigation_lists_them(
    client, lang: str
) -> None:
    body = text_of(client.get(f"/{lang}/apply/mentee/").text)
    header = body[body.index("<header") : body.index("</header>")]
    sections = site_sections(lang)
    assert len(sections) >= 3
    for title, url in sections:
        assert f'<a href="{url}">{title}</a>' in header
    footer = body[body.index("<footer") : body.index("</footer>")]
    assert mkdocs_config()["copyright"] in footer
    assert f'href="{page_url(lang, "contact/")}"' in footer


def css_value(css: str, selector: str, prop: str) -> str:
    block = re.search(rf"(?m)^{re.escape(selector)}\s*\{{([^}}]*)\}}", css)
    assert block, selector
    value = re.search(rf"{re.escape(prop)}\s*:\s*([^;]+);", block.group(1))
    assert value, (selector, prop)
    return value.group(1).strip()


def test_the_forms_use_the_sites_font_and_colours() -> None:
    site = (PROJECT / "overrides/assets/stylesheets/duo.css").read_text(encoding="utf-8")
    forms = (PROJECT / "forms_service/static/apply.css").read_text(encoding="utf-8")
    font = re.search(r"--md-text-font-family:\s*([^;]+);", site).group(1).strip()
    assert css_value(forms, "body", "font-family") == font
    orange = re.search(r"--md-primary-fg-color:\s*(#[0-9a-fA-F]{6});", site).group(1).lower()
    navy = re.search(r"--md-footer-bg-color:\s*(#[0-9a-fA-F]{6});", site).group(1).lower()
    assert css_value(forms, ".site-header", "background").lower() == orange
    assert navy in css_value(forms, ".footer-links", "background").lower()


# --- the words on the pages: Dutch in "je", French typography --------------------------------


class VisibleText(HTMLParser):
    """The text a reader sees (and the title), without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    # Collapse layout whitespace only: str.split() would also eat no-break spaces.
    return re.sub(r"[ \t\r\n]+", " ", " ".join(parser.parts))


def every_state(actions: ApplicationActions, kind: str, lang: str) -> list[str]:
    """The form empty, with every error, switched from another language, and its thank-you."""
    client = actions.client
    hidden = actions.open(kind, lang)
    pages = [client.get(f"/{lang}/apply/{kind}/").text,
             client.post(f"/{lang}/apply/{kind}/", data=hidden).text,
             client.post(f"/{lang}/apply/{kind}/language/", data=hidden).text]
    done = actions.submit(kind, lang)
    pages.append(client.get(done.headers["Location"]).text)
    return [visible(p) for p in pages]


@pytest.mark.parametrize("kind", KINDS)
def test_dutch_pages_say_je_to_their_reader(app, actions: ApplicationActions, kind: str) -> None:
    for text in every_state(actions, kind, "nl"):
        assert formal_dutch_address(text) == []


@pytest.mark.parametrize("kind", KINDS)
def test_french_pages_keep_french_typography(app, actions: ApplicationActions, kind: str) -> None:
    for text in every_state(actions, kind, "fr"):
        assert french_typography_errors(text) == []


@pytest.mark.parametrize("kind", ["mentor", "partner"])
def test_a_wrong_phone_number_is_named_with_a_made_up_example(
    app, actions: ApplicationActions, kind: str
) -> None:
    response = actions.submit(kind, "en", phone="12")
    assert response.status_code == 400
    assert ('<a href="#phone">Enter your phone number like 0470 00 00 00 or +32 470 00 00 00'
            "</a>") in text_of(response.text)
