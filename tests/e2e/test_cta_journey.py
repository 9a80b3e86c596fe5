"""A person goes from the site's call to action, through each form, to the thank-you page."""

from __future__ import annotations

import re

import pytest

LANGS = ("fr", "nl", "en")
# The site page whose call to action opens each form.
PAGE_OF_KIND = {
    "mentor": "mentor/",
    "mentee": "young-people/",
    "partner": "partners/",
    "volunteer": "volunteer/",
}
BRUSSELS = {"fr": "Bruxelles", "nl": "Brussel", "en": "Brussels"}
GHENT = {"fr": "Gand", "nl": "Gent", "en": "Ghent"}
LIEGE = {"fr": "Liège", "nl": "Luik", "en": "Liège"}


def site_url(base_url: str, lang: str, path: str) -> str:
    return f"{base_url}/{path}" if lang == "fr" else f"{base_url}/{lang}/{path}"


def fill_person(page, postcode: str) -> None:
    page.fill("#first_name", "Amira")
    page.fill("#last_name", "El Idrissi")
    page.fill("#email", "amira@example.org")
    page.fill("#phone", "0470 12 34 56")
    page.check("#country")  # the first choice: Belgium
    page.fill("#postcode", postcode)


def fill_form(page, kind: str, postcode: str) -> None:
    """The answers a person gives on each kind of form (Belgium, the given postcode)."""
    if kind == "partner":
        page.fill("#organisation", "Maison de quartier")
        page.fill("#contact_name", "Amira El Idrissi")
        page.fill("#email", "amira@example.org")
        page.fill("#phone", "0470 12 34 56")
        page.check("#country")
        page.fill("#postcode", postcode)
        page.check("#partnership_type")
        page.fill("#message", "Nous orientons des jeunes vers le programme.")
    elif kind == "volunteer":
        fill_person(page, postcode)
        page.check("#role")
        page.check("#availability")
    else:
        fill_person(page, postcode)
        page.fill("#birth_year", "1960" if kind == "mentor" else "2001")
        page.fill("#sector", "Logistique")
        page.check("#languages")
        page.check("#availability")
    page.check("#consent")


@pytest.mark.parametrize("kind", PAGE_OF_KIND)
@pytest.mark.parametrize("lang", LANGS)
def test_a_call_to_action_leads_through_the_form_to_the_thank_you_page(
    page, base_url: str, lang: str, kind: str
):
    page.goto(site_url(base_url, lang, PAGE_OF_KIND[kind]))
    page.locator(f'a.duo-cta[href="/{lang}/apply/{kind}/"]').first.click()
    page.wait_for_url(f"{base_url}/{lang}/apply/{kind}/")
    assert page.locator("html").get_attribute("lang") == lang

    fill_form(page, kind, postcode="9000")
    page.click("button[type=submit]")

    page.wait_for_url(re.compile(rf"/{lang}/apply/{kind}/thanks/DUO-[A-Z0-9]{{6}}/$"))
    body = page.inner_text("main")
    assert GHENT[lang] in body, body
    assert re.search(r"DUO-[A-Z0-9]{6}", body)


@pytest.mark.parametrize("lang", LANGS)
def test_a_branch_pages_call_to_action_sends_the_application_to_that_branch(
    page, base_url: str, lang: str
):
    """Chosen on the branch page, Liège wins over the Brussels postcode typed in the form."""
    page.goto(site_url(base_url, lang, "branches/liege/"))
    page.locator(f'a.duo-cta[href^="/{lang}/apply/mentor/"]').first.click()
    page.wait_for_url(re.compile(rf"/{lang}/apply/mentor/\?branch=liege$"))
    assert page.locator("#branch").input_value() == "liege"

    fill_form(page, "mentor", postcode="1050")
    page.click("button[type=submit]")

    page.wait_for_url(re.compile(rf"/{lang}/apply/mentor/thanks/DUO-[A-Z0-9]{{6}}/$"))
    body = page.inner_text("main")
    assert LIEGE[lang] in body
    assert BRUSSELS[lang] not in body
