"""The site with a keyboard, on a small screen and at 400 % zoom: no invisible or hidden
focus stop, real buttons for the menu and the search, a visible focus ring in the language
menu, and navigation landmarks that each have a name of their own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sitebuild import expected_pages, url_of

PREFIX = {"fr": "/", "nl": "/nl/", "en": "/en/"}
PAGES = expected_pages()

# Where the focused element is, and whether a person can see it there.
FOCUSED = """() => {
  const el = document.activeElement;
  const r = el.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + r.width / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    html: el.outerHTML.slice(0, 120),
    kind: el.getAttribute("data-kind"),
    visible: el.checkVisibility({visibilityProperty: true, opacityProperty: true})
      && r.width > 0 && r.height > 0,
    inViewport: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight + 1
      && r.right <= innerWidth + 1,
    uncovered: !!top && (top === el || el.contains(top) || top.contains(el)),
  };
}"""


def new_page(browser, width: int, height: int, locale: str = "fr-BE") -> Page:
    # Reduced motion: Material then shows and hides without transitions, so what is
    # measured right after a key press is the final state.
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=locale, reduced_motion="reduce"
    )
    return context.new_page()


@pytest.fixture
def phone(browser) -> Iterator[Page]:
    page = new_page(browser, 360, 740)
    yield page
    page.context.close()


def tab_until(page: Page, stop, limit: int = 40) -> list[dict]:
    """Press Tab from the top of the page until `stop(focused)`; every focus on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        seen.append(focused)
        if stop(focused):
            return seen
    pytest.fail(f"not reached in {limit} Tab presses: {[f['html'] for f in seen]}")


def tab_through(page: Page, limit: int) -> list[dict]:
    """Press Tab up to `limit` times, or until focus leaves the page's last element."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            break
        seen.append(page.evaluate(FOCUSED))
    return seen


def hidden_stops(seen: list[dict]) -> list[str]:
    return [f["html"] for f in seen if not (f["visible"] and f["inViewport"] and f["uncovered"])]


@pytest.mark.parametrize("lang", PREFIX)
@pytest.mark.parametrize("path", ["", "young-people/", "mentor/", "branches/ghent/"])
def test_at_360_px_tab_reaches_the_first_call_to_action_with_no_invisible_stop(
    phone: Page, base_url: str, lang: str, path: str
):
    phone.goto(base_url + PREFIX[lang] + path)
    seen = tab_until(phone, lambda f: f["kind"] in ("mentee", "mentor"))
    assert not hidden_stops(seen)
    # The header's few controls, then the page: no tour of the closed menu on the way.
    assert len(seen) <= 12, [f["html"] for f in seen]


def test_the_menu_is_a_button_that_opens_and_closes_the_navigation(phone: Page, base_url: str):
    phone.goto(base_url + "/nl/")
    menu = phone.locator('button[data-duo-toggle="__drawer"]')
    expect(menu).to_be_visible()
    expect(menu).to_have_attribute("aria-expanded", "false")
    drawer = phone.locator("#" + menu.get_attribute("aria-controls"))
    expect(drawer.locator("a").first).to_be_hidden()  # closed: out of sight and of the Tab order

    menu.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(drawer.locator("a").first).to_be_visible()
    focused = phone.evaluate(FOCUSED)
    assert focused["visible"] and focused["inViewport"]
    assert drawer.evaluate("(el) => el.contains(document.activeElement)")

    phone.keyboard.press("Escape")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_focused()
    expect(drawer.locator("a").first).to_be_hidden()


def test_the_search_is_a_button_that_opens_the_search_field(phone: Page, base_url: str):
    phone.goto(base_url + "/en/")
    search = phone.locator('button[data-duo-toggle="__search"]')
    expect(search).to_have_attribute("aria-expanded", "false")
    expect(phone.locator("input.md-search__input")).to_be_hidden()
    search.focus()
    phone.keyboard.press("Enter")
    expect(search).to_have_attribute("aria-expanded", "true")
    expect(phone.locator("input.md-search__input")).to_be_focused()
    phone.keyboard.type("mentor", delay=30)
    expect(phone.locator(".md-search-result__item").first).to_be_visible(timeout=10_000)
    phone.keyboard.press("Escape")
    expect(search).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("path", ["/", "/impact/", "/branches/ghent/"])
def test_at_400_percent_zoom_the_language_offer_never_covers_a_focused_link(
    browser, base_url: str, path: str
):
    """A 1280 x 1024 window at 400 % lays the page out in 320 x 256 CSS pixels; a Dutch
    browser is offered Dutch on a French page, in a banner at the top of the page."""
    page = new_page(browser, 320, 256, locale="nl-BE")
    try:
        page.goto(base_url + path)
        offer = page.locator("[data-language-offer]")
        expect(offer).to_be_visible()
        banner = page.locator(".md-banner")
        assert banner.evaluate("el => getComputedStyle(el).position") == "static"
        header_top = page.locator(".md-header").evaluate("el => el.getBoundingClientRect().top")
        assert banner.evaluate("el => el.getBoundingClientRect().bottom") <= header_top + 1
        seen = tab_through(page, 30)  # the banner, the header, and on into the page
        assert len(seen) >= 10
        assert not hidden_stops(seen)
    finally:
        page.context.close()


def test_the_language_menus_focus_ring_shows_against_its_background(browser, base_url: str):
    page = new_page(browser, 1280, 900)
    try:
        page.goto(base_url + "/impact/")
        page.locator(".md-header .md-select button").focus()
        page.keyboard.press("Tab")
        link = page.locator(".md-select__link:focus")
        expect(link).to_be_visible()
        ring, ground = link.evaluate("""el => [getComputedStyle(el).outlineColor,
            getComputedStyle(el.closest('.md-select__inner')).backgroundColor]""")
        assert link.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
        assert contrast(ring, ground) >= 3, (ring, ground)
    finally:
        page.context.close()


def contrast(a: str, b: str) -> float:
    def luminance(css: str) -> float:
        r, g, b = (int(float(v)) for v in css[css.index("(") + 1 : css.index(")")].split(",")[:3])
        lin = [(c / 255) / 12.92 if c / 255 <= 0.03928 else ((c / 255 + 0.055) / 1.055) ** 2.4
               for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


NAVIGATION_NAMES = """() => [...document.querySelectorAll("nav, [role=navigation]")]
  .filter(el => el.checkVisibility({visibilityProperty: true}))
  .map(el => el.getAttribute("aria-label")
    || (el.getAttribute("aria-labelledby") || "").split(" ")
         .map(id => document.getElementById(id)?.textContent.trim()).join(" ")
    || "")"""


def navigation_names(page: Page, url: str) -> list[str]:
    page.goto(url)
    names = page.evaluate(NAVIGATION_NAMES)
    assert all(names), names
    return names


@pytest.mark.parametrize("width", [360, 1000, 1280])
def test_no_two_navigation_landmarks_share_a_name_at_any_width(browser, base_url: str, width):
    page = new_page(browser, width, 900)
    try:
        for path in ("/", "/nl/", "/en/", "/nl/partners/", "/en/how-it-works/"):
            names = navigation_names(page, base_url + path)
            assert len(names) == len(set(names)), (path, names)
    finally:
        page.context.close()


def test_no_page_has_two_navigation_landmarks_of_one_name(browser, base_url: str):
    page = new_page(browser, 1280, 900)
    try:
        for rel in PAGES:
            if not rel.endswith("404.html"):
                names = navigation_names(page, base_url + url_of(rel))
                assert len(names) == len(set(names)), (rel, names)
                if rel.startswith("nl/"):
                    assert not {"Header", "Footer"} & set(names), (rel, names)
    finally:
        page.context.close()
