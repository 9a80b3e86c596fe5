"""A person fills in the application forms in a real browser, on the server `make serve` runs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apply_support import fill_in

LANGS = ("fr", "nl", "en")
THANKS = {
    "fr": "Merci, nous avons bien reçu votre inscription",
    "nl": "Bedankt, we hebben je inschrijving ontvangen",
    "en": "Thank you, we have received your application",
}
ANTWERP = {"fr": "Anvers", "nl": "Antwerpen", "en": "Antwerp"}


def mentor_answers(lang: str) -> dict[str, str]:
    """An apostrophe in the name, a postcode in Antwerp, an address per language."""
    return {"last_name": "N'Diaye", "postcode": "2018", "email": f"marie.{lang}@example.org"}


@pytest.mark.parametrize("lang", LANGS)
def test_a_mentor_applies_in_each_language_and_sees_the_branch(page, base_url: str, lang: str):
    page.goto(f"{base_url}/{lang}/apply/mentor/")
    assert page.locator("html").get_attribute("lang") == lang
    assert not page.is_checked("#consent")
    fill_in(page, "mentor", **mentor_answers(lang))
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(rf"/{lang}/apply/mentor/thanks/DUO-[A-Z0-9]{{6}}/$"))
    body = page.inner_text("main")
    assert THANKS[lang] in body
    assert ANTWERP[lang] in body
    assert re.search(r"DUO-[A-Z0-9]{6}", body)


def tab_to(page, element_id: str, limit: int = 60) -> None:
    """Press Tab until the element has focus, as a keyboard user moves through the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_the_volunteer_form_can_be_completed_with_the_keyboard_alone(page, base_url: str):
    page.goto(f"{base_url}/en/apply/volunteer/")
    tab_to(page, "first_name")
    page.keyboard.type("ተስፋይ")
    page.keyboard.press("Tab")
    page.keyboard.type("Gebremichael")
    page.keyboard.press("Tab")
    page.keyboard.type("tesfay@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type("+31 10 123 4567")
    tab_to(page, "country")
    page.keyboard.press("ArrowDown")  # radios: arrows choose within the group
    page.keyboard.press("ArrowDown")  # Netherlands
    tab_to(page, "postcode")
    page.keyboard.type("3011 AB")
    tab_to(page, "role")
    page.keyboard.press("Space")
    tab_to(page, "availability")
    page.keyboard.press("Space")
    tab_to(page, "consent")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/en/apply/volunteer/thanks/DUO-[A-Z0-9]{6}/$"))
    assert "Your application goes to the Rotterdam branch." in page.inner_text("main")


def test_the_error_summary_links_move_focus_to_the_field(page, base_url: str):
    page.goto(f"{base_url}/nl/apply/mentee/")
    page.fill("#first_name", "Amina")
    page.click("form button[type=submit]")
    summary = page.locator(".error-summary")
    assert "Er is een probleem" in summary.inner_text()
    assert page.input_value("#first_name") == "Amina"
    summary.locator('a[href="#email"]').click()
    assert page.evaluate("document.activeElement.id") == "email"


def axe_violations(page, axe_script: Path) -> list[dict]:
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "nodes": [n["target"] for n in v["nodes"]]} for v in result["violations"]
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_axe_finds_no_violation_on_empty_error_and_thank_you_states(
    browser, base_url: str, axe_script: Path, lang: str
):
    # axe is injected as a script of the test's own: let it past the CSP (tests/e2e/test_csp.py
    # checks that the pages themselves need no such exception).
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    for kind in ("mentor", "mentee", "volunteer", "partner"):
        page.goto(f"{base_url}/{lang}/apply/{kind}/")
        assert axe_violations(page, axe_script) == [], f"{kind} empty"
        page.click("form button[type=submit]")
        page.wait_for_selector(".error-summary")
        assert axe_violations(page, axe_script) == [], f"{kind} error state"
    # The same half-filled form, switched to another language.
    other = "en" if lang != "en" else "fr"
    page.fill("#organisation", "CPAS")
    page.click(f'header button[lang="{other}"]')
    page.wait_for_url(re.compile(rf"/{other}/apply/partner/language/$"))
    assert axe_violations(page, axe_script) == [], "switched language"
    for kind, answers in (("mentor", mentor_answers(lang)), ("partner", {})):
        page.goto(f"{base_url}/{lang}/apply/{kind}/")
        fill_in(page, kind, **answers)
        page.click("form button[type=submit]")
        page.wait_for_url(re.compile(r"/thanks/"))
        assert axe_violations(page, axe_script) == [], f"{kind} thank-you state"
    context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_the_form_fits_a_phone_and_a_desktop_without_sideways_scrolling(
    browser, base_url: str, width: int
):
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    page.goto(f"{base_url}/fr/apply/mentor/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    font_size = page.evaluate("getComputedStyle(document.querySelector('#email')).fontSize")
    assert float(font_size.removesuffix("px")) >= 16
    context.close()
