"""The language offer on French pages is decided before the first paint: for a browser that
prefers Dutch or English it is there from the start, and nothing on the page moves when the
scripts run (no layout shift, which Lighthouse counts against the page)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.e2e

LAYOUT_SHIFT = """() => new Promise(resolve => {
  let total = 0;
  new PerformanceObserver(list => {
    for (const entry of list.getEntries()) { if (!entry.hadRecentInput) total += entry.value; }
  }).observe({type: "layout-shift", buffered: true});
  setTimeout(() => resolve(total), 1000);
})"""


@pytest.mark.parametrize(("locale", "offered"), [("en-GB", "en"), ("nl-BE", "nl")])
@pytest.mark.parametrize("path", ["/", "/impact/"])
def test_the_offer_is_there_from_the_first_paint_and_nothing_moves(browser, base_url, locale,
                                                                  offered, path):
    context = browser.new_context(locale=locale, viewport={"width": 412, "height": 823})
    try:
        page = context.new_page()
        page.goto(base_url + path, wait_until="load")
        assert page.locator(f'[data-offer-lang="{offered}"]').is_visible()
        assert page.evaluate(LAYOUT_SHIFT) < 0.01
        # "Stay in French" hides it for good, and the next page does not offer it again.
        page.click(f'[data-offer-lang="{offered}"] .duo-language-offer__stay')
        assert not page.locator(".duo-language-offer").is_visible()
        page.goto(base_url + "/how-it-works/")
        assert not page.locator(".duo-language-offer").is_visible()
    finally:
        context.close()


def test_a_french_browser_is_offered_nothing(browser, base_url):
    context = browser.new_context(locale="fr-BE")
    try:
        page = context.new_page()
        page.goto(base_url + "/")
        assert not page.locator(".duo-language-offer").is_visible()
    finally:
        context.close()
