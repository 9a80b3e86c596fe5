"""A person goes from the site's call to action, through each form, to the thank-you page."""

from __future__ import annotations

import re

import pytest
from apply_support import fill_in

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


def in_belgium(postcode: str) -> dict[str, str]:
    """Answers for a person in Belgium (a Belgian phone number, the given postcode)."""
    return {"country": "BE", "postcode": postcode, "phone": "0470 12 34 56"}


@pytest.mark.parametrize("kind", PAGE_OF_KIND)
@pytest.mark.parametrize("lang", LANGS)
def test_a_call_to_action_leads_through_the_form_to_the_thank_you_page(
    page, base_url: str, lang: str, kind: str
):
    page.goto(site_url(base_url, lang, PAGE_OF_KIND[kind]))
    page.locator(f'a.duo-cta[href="/{lang}/apply/{kind}/"]').first.click()
    page.wait_for_url(f"{base_url}/{lang}/apply/{kind}/")
    assert page.locator("html").get_attribute("lang") == lang

    fill_in(page, kind, **in_belgium("9000"))  # Ghent
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

    fill_in(page, "mentor", **in_belgium("1050"))  # Brussels
    page.click("button[type=submit]")

    page.wait_for_url(re.compile(rf"/{lang}/apply/mentor/thanks/DUO-[A-Z0-9]{{6}}/$"))
    body = page.inner_text("main")
    assert LIEGE[lang] in body
    assert BRUSSELS[lang] not in body
