"""The public site in Chromium: language switcher, language offer, per-language search,
axe-core over every page in the three languages, and small screens."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sitebuild import expected_pages, html_pages, url_of

PREFIX = {"fr": "/", "nl": "/nl/", "en": "/en/"}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = expected_pages()


@pytest.fixture(scope="module")
def site_page(browser, base_url: str) -> Iterator[Page]:
    """One French-speaking desktop tab reused by the tests that do not depend on storage.
    The CSP is bypassed only so that axe, the test's own script, can be injected."""
    context = browser.new_context(
        locale="fr-BE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def phone_page(browser, base_url: str) -> Iterator[Page]:
    """One 360 px wide tab (a small phone), Dutch-speaking so the offer banner shows too."""
    context = browser.new_context(locale="nl-BE", viewport={"width": 360, "height": 740})
    yield context.new_page()
    context.close()


def path_of(url: str) -> str:
    return urlsplit(url).path


# --- Language switcher --------------------------------------------------------------------

SWITCHES = [
    (path, source, target)
    for path in ("", "impact/", "branches/ghent/", "faq/")
    for source in PREFIX
    for target in PREFIX
    if source != target
]


@pytest.mark.parametrize(("path", "source", "target"), SWITCHES)
def test_the_language_switcher_lands_on_the_same_page_in_the_other_language(
    site_page: Page, base_url: str, path: str, source: str, target: str
):
    page = site_page
    page.goto(base_url + PREFIX[source] + path)
    page.locator(".md-header .md-select").hover()
    page.locator(f".md-header .md-select__link[hreflang='{target}']").click()
    page.wait_for_url(base_url + PREFIX[target] + path)
    expect(page.locator("html")).to_have_attribute("lang", target)


# --- The offer of Dutch or English on French pages ----------------------------------------


def offer_banner(page: Page):
    return page.locator("[data-language-offer]")


@pytest.mark.parametrize(("locale", "lang"), [("nl-BE", "nl"), ("en-GB", "en")])
def test_a_visitor_whose_browser_prefers_another_language_is_offered_it_on_a_french_page(
    browser, base_url: str, locale: str, lang: str
):
    context = browser.new_context(locale=locale)
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        offer = page.locator(f"[data-offer-lang='{lang}']")
        expect(offer).to_be_visible()
        expect(offer).to_have_attribute("lang", lang)
        link = offer.locator("a[hreflang]")
        assert path_of(link.get_attribute("href")) == PREFIX[lang]
        link.click()
        page.wait_for_url(base_url + PREFIX[lang])
        page.goto(base_url + "/impact/")
        expect(offer_banner(page)).to_be_hidden()
    finally:
        context.close()


def test_a_french_speaking_visitor_sees_no_language_offer(page: Page, base_url: str):
    page.goto(base_url + "/")
    page.wait_for_load_state("load")
    expect(offer_banner(page)).to_be_hidden()
    expect(page.locator("[data-offer-lang]:visible")).to_have_count(0)


def test_the_offer_stays_hidden_after_the_visitor_chooses_to_stay_in_french(
    browser, base_url: str
):
    context = browser.new_context(locale="nl-BE")
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        expect(offer_banner(page)).to_be_visible()
        page.locator("[data-offer-lang='nl'] button[data-choose-lang='fr']").click()
        expect(offer_banner(page)).to_be_hidden()
        for path in ("/", "/how-it-works/"):
            page.goto(base_url + path)
            page.wait_for_load_state("load")
            expect(offer_banner(page)).to_be_hidden()
    finally:
        context.close()


def test_dutch_pages_offer_nothing_to_a_dutch_speaking_visitor(browser, base_url: str):
    context = browser.new_context(locale="nl-BE")
    try:
        page = context.new_page()
        page.goto(base_url + "/nl/")
        page.wait_for_load_state("load")
        expect(page.locator("[data-offer-lang]:visible")).to_have_count(0)
    finally:
        context.close()


# --- Search -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "start", "query"),
    [("nl", "impact/", "vrijwilliger"), ("nl", "", "mentor"), ("en", "faq/", "mentor"),
     ("fr", "contact/", "mentor")],
)
def test_search_only_returns_pages_in_the_language_being_read(
    site_page: Page, base_url: str, lang: str, start: str, query: str
):
    page = site_page
    page.goto(base_url + PREFIX[lang] + start)
    search = page.locator("input.md-search__input")
    search.click()
    # Material searches on key presses; a single `fill` may come before the index is ready.
    search.press_sequentially(query, delay=30)
    results = page.locator(".md-search-result__item a.md-search-result__link")
    expect(results.first).to_be_attached(timeout=10_000)
    hrefs = [path_of(h) for h in results.evaluate_all("els => els.map(e => e.href)")]
    assert hrefs
    for href in hrefs:
        if lang == "fr":
            assert not href.startswith(("/nl/", "/en/")), href
        else:
            assert href.startswith(PREFIX[lang]), href


# --- Accessibility ------------------------------------------------------------------------


def test_the_axe_run_covers_every_built_page(built_site: Path):
    assert html_pages(built_site) == PAGES


def describe(violations: list[dict]) -> str:
    return json.dumps(
        [
            {
                "id": v["id"],
                "help": v["help"],
                "nodes": [n["target"] for n in v["nodes"]][:5],
                "summary": v["nodes"][0].get("failureSummary", "")[:300],
            }
            for v in violations
        ],
        indent=1,
        ensure_ascii=False,
    )


@pytest.mark.parametrize("rel", PAGES)
def test_axe_finds_no_wcag_violation_on_the_page(
    site_page: Page, base_url: str, axe_script: Path, rel: str
):
    axe_page = site_page
    url = base_url + url_of(rel)
    if rel.endswith("404.html"):
        # The 404 pages are what the server answers for a miss in their language.
        url = base_url + url_of(rel).removesuffix("404.html") + "no-such-page/"
    response = axe_page.goto(url)
    assert response is not None
    assert response.status == (404 if rel.endswith("404.html") else 200)
    axe_page.add_script_tag(path=str(axe_script))
    result = axe_page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags},"
        " resultTypes: ['violations']})",
        AXE_TAGS,
    )
    assert result["violations"] == [], describe(result["violations"])


# --- Small screens ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    ["/", "/impact/", "/nl/branches/ghent/", "/en/faq/", "/nl/how-it-works/", "/en/contact/",
     "/nl/privacy/", "/no-such-page/"],
)
def test_a_360_px_wide_screen_needs_no_horizontal_scrolling(
    phone_page: Page, base_url: str, path: str
):
    phone_page.goto(base_url + path)
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{path} is {width} px wide"


@pytest.mark.parametrize("path", ["/", "/impact/", "/nl/branches/ghent/", "/en/faq/"])
def test_text_stays_usable_at_200_percent_zoom(browser, base_url: str, path: str):
    """A 1280 x 900 window zoomed to 200 % lays the page out in 640 x 450 CSS pixels."""
    context = browser.new_context(viewport={"width": 640, "height": 450}, device_scale_factor=2)
    page = context.new_page()
    page.goto(base_url + path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 640
    assert page.locator("h1").first.is_visible()
    # The navigation stays reachable: the menu button is shown instead of the sidebar.
    assert page.locator('button.md-header__button[data-duo-toggle="__drawer"]').is_visible()
    body_text = "parseFloat(getComputedStyle(document.querySelector('.md-typeset')).fontSize)"
    assert page.evaluate(body_text) >= 14
    context.close()


# --- Content-Security-Policy ----------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/nl/impact/", "/en/branches/ghent/"])
def test_site_pages_carry_a_strict_csp_and_break_none_of_it(browser, base_url: str, path: str):
    """The headers nginx sends in production also come with `make serve`; the theme's
    scripts, the search worker and the language offer all run without 'unsafe-inline'."""
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    response = page.goto(base_url + path)
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    page.locator("input.md-search__input").press_sequentially("mentor", delay=30)
    page.wait_for_selector(".md-search-result__item")
    assert violations == []
    context.close()


# --- One site: the forms' font -------------------------------------------------------------

# The system font stack the forms use (forms_service/static/apply.css), so site and forms
# read as one site. Material overrides the theme's own variable unless the site sets it.
SYSTEM_FONTS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", '
    "sans-serif"
)


@pytest.mark.parametrize("path", ["/", "/nl/impact/", "/en/faq/"])
def test_the_site_is_set_in_the_system_font_stack_of_the_forms(
    site_page: Page, base_url: str, path: str
):
    site_page.goto(base_url + path)
    for selector in ("body", "h1", ".md-typeset p", ".md-header__title", ".md-nav__link"):
        family = site_page.locator(selector).first.evaluate(
            "el => getComputedStyle(el).fontFamily"
        )
        assert family == SYSTEM_FONTS, (selector, family)


@pytest.mark.parametrize("lang", list(PREFIX))
def test_every_label_of_the_impact_charts_stays_inside_its_drawing(
    site_page: Page, base_url: str, lang: str
):
    site_page.goto(base_url + PREFIX[lang] + "impact/")
    outside = site_page.evaluate("""() => [...document.querySelectorAll('.duo-chart svg')]
      .flatMap(svg => {
        const [x0, y0, w, h] = svg.getAttribute('viewBox').split(' ').map(Number);
        return [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBBox()])
          .filter(([, b]) => b.x < x0 || b.y < y0 || b.x + b.width > x0 + w
                              || b.y + b.height > y0 + h)
          .map(([text]) => text);
      })""")
    assert outside == []
