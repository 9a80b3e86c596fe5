"""A keyboard or screen-reader user on a phone-sized window: after a failed submission the
focus is on the error summary, its links show each question with its error, Enter sends the
form, the language can be switched without losing the answers, and Tab never stops on
something invisible."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from apply_support import fill_in

LANGS = ("fr", "nl", "en")
PHONE_WIDTH = {"width": 360, "height": 640}


@pytest.fixture
def phone(browser) -> Iterator:
    context = browser.new_context(viewport=PHONE_WIDTH)
    yield context.new_page()
    context.close()


def in_viewport(page, selector: str) -> bool:
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.top >= 0 && r.bottom <= window.innerHeight && r.height > 0; }""",
        selector,
    )


def active(page) -> str:
    return page.evaluate(
        "() => { const e = document.activeElement;"
        " return e.id || e.getAttribute('data-error-summary') !== null && 'summary' || e.tagName; }"
    )


@pytest.mark.parametrize("lang", LANGS)
def test_after_a_failed_submission_the_focus_is_on_the_error_summary(
    phone, base_url: str, lang: str
) -> None:
    phone.goto(f"{base_url}/{lang}/apply/mentee/")
    phone.click("form button[type=submit]")
    phone.wait_for_selector(".error-summary")
    assert active(phone) == "summary"
    assert in_viewport(phone, ".error-summary h2")


@pytest.mark.parametrize(
    "field, question",
    [
        ("phone", 'label[for="phone"]'),
        ("availability", "#availability >> xpath=ancestor::fieldset/legend"),
        ("consent", "#consent >> xpath=ancestor::fieldset/legend"),
    ],
)
def test_an_error_link_shows_the_question_and_its_error_message(
    phone, base_url: str, field: str, question: str
) -> None:
    phone.goto(f"{base_url}/en/apply/mentor/")
    phone.click("form button[type=submit]")
    phone.wait_for_selector(".error-summary")
    phone.click(f'.error-summary a[href="#{field}"]')
    assert active(phone) == field
    box = phone.locator(question).bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= PHONE_WIDTH["height"]
    assert in_viewport(phone, f"#{field}-error")


def test_enter_in_a_field_sends_the_form_in_its_own_language(phone, base_url: str) -> None:
    """The header's language buttons belong to the form too: Enter must not pick them."""
    phone.goto(f"{base_url}/nl/apply/volunteer/")
    phone.fill("#first_name", "Olena")
    with phone.expect_navigation():
        phone.press("#first_name", "Enter")
    assert phone.url == f"{base_url}/nl/apply/volunteer/"
    assert phone.locator("html").get_attribute("lang") == "nl"
    assert "Er is een probleem" in phone.inner_text(".error-summary")


def test_switching_language_on_a_half_filled_form_keeps_the_answers(page, base_url: str) -> None:
    page.goto(f"{base_url}/fr/apply/mentor/")
    page.fill("#first_name", "Marie-Claire")
    page.fill("#phone", "0470 00 00 00")
    page.check('input[name="languages"][value="nl"]')
    page.click('header button[lang="nl"]')
    page.wait_for_url(f"{base_url}/nl/apply/mentor/language/")
    assert page.locator("html").get_attribute("lang") == "nl"
    assert page.input_value("#first_name") == "Marie-Claire"
    assert page.input_value("#phone") == "0470 00 00 00"
    assert page.is_checked('input[name="languages"][value="nl"]')
    assert page.locator(".error-summary, .field-error").count() == 0
    fill_in(page, "mentor", first_name=None, phone=None, languages=None)
    page.click("form button[type=submit]")
    page.wait_for_url(re.compile(r"/nl/apply/mentor/thanks/DUO-[A-Z0-9]{6}/$"))
    assert "Bedankt, we hebben je inschrijving ontvangen" in page.inner_text("main")


def test_every_tab_stop_on_the_form_is_visible(phone, base_url: str) -> None:
    phone.goto(f"{base_url}/en/apply/partner/")
    phone.click("form button[type=submit]")
    phone.wait_for_selector(".error-summary")
    stops = []
    for _ in range(80):
        phone.keyboard.press("Tab")
        stop = phone.evaluate(
            """() => { const e = document.activeElement; const r = e.getBoundingClientRect();
                       return {what: e.id || e.textContent.trim().slice(0, 30) || e.tagName,
                               visible: e.checkVisibility({visibilityProperty: true,
                                                          opacityProperty: true})
                                        && r.width > 0 && r.height > 0
                                        && r.bottom > 0 && r.top < window.innerHeight,
                               end: e === [...document.querySelectorAll('footer a')].pop()}; }"""
        )
        stops.append(stop)
        if stop["end"]:
            break
    assert stops[-1]["end"], "Tab never reached the end of the page"
    assert [s["what"] for s in stops if not s["visible"]] == []
    assert {"organisation", "consent"} <= {s["what"] for s in stops}
