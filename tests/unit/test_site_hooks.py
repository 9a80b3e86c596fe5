"""The pure functions of the site's MkDocs hooks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from overrides.hooks.charts import render_chart
from overrides.hooks.head import alternates, split_language
from overrides.hooks.languages import absolute_refs, sitemap_xml
from overrides.hooks.pages import missing_pages
from sitedata import load_default
from sitedata.formatting import format_figure

SITE = "https://www.example.org/"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", ("fr", "")),
        ("impact/", ("fr", "impact/")),
        ("nl/", ("nl", "")),
        ("nl/impact/", ("nl", "impact/")),
        ("en/branches/ghent/", ("en", "branches/ghent/")),
        ("fr/impact/", ("fr", "fr/impact/")),  # French has no prefix: "fr/" is a path
        ("nlx/", ("fr", "nlx/")),
    ],
)
def test_split_language_reads_the_language_prefix_of_a_url(url, expected):
    assert split_language(url) == expected


@pytest.mark.parametrize("url", ["impact/", "nl/impact/", "en/impact/"])
def test_alternates_are_absolute_for_every_language_then_x_default(url):
    assert alternates(SITE, url) == [
        {"hreflang": "fr", "href": "https://www.example.org/impact/"},
        {"hreflang": "nl", "href": "https://www.example.org/nl/impact/"},
        {"hreflang": "en", "href": "https://www.example.org/en/impact/"},
        {"hreflang": "x-default", "href": "https://www.example.org/impact/"},
    ]


def test_alternates_of_the_home_page_point_at_each_language_root():
    hrefs = [a["href"] for a in alternates("https://www.example.org", "nl/")]
    assert hrefs == [
        "https://www.example.org/", "https://www.example.org/nl/",
        "https://www.example.org/en/", "https://www.example.org/",
    ]


def docs_tree(root: Path, pages: dict[str, list[str]]) -> Path:
    for lang, names in pages.items():
        for name in names:
            path = root / lang / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("# x\n", encoding="utf-8")
    return root


def test_missing_pages_is_empty_when_every_language_has_every_page(tmp_path):
    pages = ["index.md", "faq.md", "branches/index.md"]
    docs = docs_tree(tmp_path, {"fr": pages, "nl": pages, "en": pages})
    assert missing_pages(docs) == {}


def test_missing_pages_names_each_page_a_language_lacks(tmp_path):
    docs = docs_tree(tmp_path, {
        "fr": ["index.md", "faq.md", "branches/index.md"],
        "nl": ["index.md", "branches/index.md"],
        "en": ["index.md", "faq.md", "contact.md"],
    })
    assert missing_pages(docs) == {
        "fr": ["contact.md"],
        "nl": ["contact.md", "faq.md"],
        "en": ["branches/index.md"],
    }


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="../impact/">', '<a href="/nl/impact/">'),
        ('<link href="../assets/x.css">', '<link href="/nl/assets/x.css">'),
        ('<script src="../../assets/a.js">', '<script src="/assets/a.js">'),
        ('<a href="/en/">', '<a href="/en/">'),
        ('<a href="https://example.org/">', '<a href="https://example.org/">'),
        ('<a href="mailto:a@b.be">', '<a href="mailto:a@b.be">'),
        ('<a href="#top">', '<a href="#top">'),
    ],
)
def test_absolute_refs_makes_relative_links_absolute_and_leaves_the_rest(html, expected):
    assert absolute_refs(html, "/nl/404/") == expected


def test_sitemap_lists_every_page_in_every_language_with_absolute_alternates():
    xml = sitemap_xml(SITE, {"", "impact/"})
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.fromstring(xml).findall("s:url", ns)
    locs = sorted(u.find("s:loc", ns).text for u in urls)
    assert locs == sorted(
        SITE + prefix + path for prefix in ("", "nl/", "en/") for path in ("", "impact/")
    )
    for url in urls:
        links = {x.get("hreflang"): x.get("href") for x in url.findall("x:link", ns)}
        assert set(links) == {"fr", "nl", "en", "x-default"}
        assert all(href.startswith(SITE) for href in links.values())
        assert links["x-default"] == links["fr"]
        assert url.find("s:loc", ns).text in links.values()


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("chart_id", [c.id for c in load_default().impact.charts])
def test_a_chart_is_an_inline_svg_image_with_a_title_and_every_value(chart_id, lang):
    impact = load_default().impact
    chart = next(c for c in impact.charts if c.id == chart_id)
    html = render_chart(chart, impact, lang)
    svg = re.search(r"<svg\b[^>]*>.*</svg>", html, re.S)
    assert svg, "no inline <svg>"
    assert 'role="img"' in svg[0].split(">", 1)[0]
    title = re.search(r"<title[^>]*>([^<]+)</title>", svg[0])
    assert title and title[1] == chart.title[lang]
    ET.fromstring(svg[0])  # well-formed XML
    for series in chart.series:
        for fid in series.figures:
            fig = impact.figure(fid)
            assert format_figure(fig, lang) in html
            assert str(fig.year) in html
            assert impact.sources[fig.source].name in html
    assert "<script" not in html
