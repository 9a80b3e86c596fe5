"""The static site built in strict mode: parity across languages, figures from the data,
<head> tags, 404 pages, sitemap, per-language search, calls to action, no third party."""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sitebuild import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    PROJECT,
    SITE_URL,
    build_site,
    built_site_or_fail,
    html_pages,
    language_of,
    url_of,
)

from sitedata import load_default
from sitedata.formatting import format_figure

OG_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
KINDS = ("mentor", "mentee", "partner", "volunteer")
NOT_FOUND = ("404.html", "nl/404.html", "en/404.html")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site_or_fail(tmp_path_factory)


class Page(HTMLParser):
    """What the tests read in a built page: <html lang>, meta, links and every URL attribute."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lang: str | None = None
        self.meta: dict[str, str] = {}
        self.og_alternate_locales: list[str] = []
        self.canonical: list[str] = []
        self.hreflang: dict[str, str] = {}
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, url)
        self.anchors: list[str] = []
        self.title = ""
        self._in_title = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "meta":
            key = a.get("name") or a.get("property")
            if key == "og:locale:alternate":
                self.og_alternate_locales.append(a.get("content", ""))
            elif key:
                self.meta[key] = a.get("content", "")
        elif tag == "link" and "canonical" in a.get("rel", "").split():
            self.canonical.append(a["href"])
        elif tag == "link" and "alternate" in a.get("rel", "").split() and "hreflang" in a:
            self.hreflang[a["hreflang"]] = a["href"]
        elif tag == "title":
            self._in_title = True
        if tag == "a" and "href" in a:
            self.anchors.append(a["href"])
        for attr in ("href", "src", "srcset", "poster", "data"):
            if a.get(attr):
                self.refs.append((tag, attr, a[attr]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def read(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def neutral(rel: str) -> str:
    """The language-neutral path of a built file: 'nl/impact/index.html' → 'impact/index.html'."""
    lang = language_of(rel)
    return rel if lang == DEFAULT_LANGUAGE else rel.removeprefix(f"{lang}/")


def content_pages(site: Path) -> list[str]:
    """Every page built from Markdown (not the theme's 404.html)."""
    return [p for p in html_pages(site) if p not in NOT_FOUND]


# --- Build and parity ----------------------------------------------------------------------


def test_the_site_builds_in_strict_mode(site: Path):
    assert (site / "index.html").is_file()
    assert (site / "nl" / "index.html").is_file()
    assert (site / "en" / "index.html").is_file()


def test_every_language_has_the_same_markdown_pages():
    docs = PROJECT / "docs"
    sets = {
        lang: {p.relative_to(docs / lang).as_posix() for p in (docs / lang).rglob("*.md")}
        for lang in LANGUAGES
    }
    assert sets["fr"], "no French pages"
    assert sets["nl"] == sets["fr"]
    assert sets["en"] == sets["fr"]


def test_every_language_has_the_same_built_pages(site: Path):
    by_lang: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for rel in html_pages(site):
        by_lang[language_of(rel)].add(neutral(rel))
    assert len(by_lang["fr"]) > 20
    assert by_lang["nl"] == by_lang["fr"]
    assert by_lang["en"] == by_lang["fr"]


@pytest.mark.parametrize(("lang", "page"), [("nl", "faq.md"), ("en", "branches/index.md")])
def test_a_build_with_a_page_missing_in_one_language_fails_naming_the_page(
    tmp_path: Path, lang: str, page: str
):
    project = tmp_path / "project"
    for name in ("docs", "overrides", "data"):
        shutil.copytree(PROJECT / name, project / name)
    shutil.copy(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    (project / "docs" / lang / page).unlink()
    result = build_site(tmp_path / "out", project=project)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert re.search(rf"\b{lang}: .*{re.escape(page)}", log), log


def test_every_branch_has_a_page_in_each_language(site: Path):
    for branch in load_default().branches.branches:
        for lang in LANGUAGES:
            prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
            rel = f"{prefix}branches/{branch.id}/index.html"
            assert (site / rel).is_file(), rel
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", read(site, rel), re.S)
            assert h1 and branch.name[lang] in html.unescape(h1[1]), rel


# --- Figures ------------------------------------------------------------------------------


def figure_blocks(page: str) -> list[str]:
    """Each figure card and each chart of the impact page, as unescaped HTML."""
    cards = re.findall(r'<div class="duo-card">.*?</div>', page, re.S)
    charts = re.findall(r'<figure class="duo-chart".*?</figure>', page, re.S)
    return [html.unescape(b) for b in cards + charts]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_impact_figure_appears_formatted_with_its_year_and_source(site: Path, lang: str):
    impact = load_default().impact
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    blocks = figure_blocks(read(site, f"{prefix}impact/index.html"))
    missing = []
    for fig in impact.figures:
        value, source = format_figure(fig, lang), impact.sources[fig.source].name
        as_card = [fig.label[lang], value, f"{source}, {fig.year}"]
        as_chart = [f"{fig.year}: {value}", f"{source}, {fig.year}"]
        if not any(all(t in b for t in as_card) or all(t in b for t in as_chart) for b in blocks):
            missing.append(f"{fig.id} ({value}, {fig.year}, {source})")
    assert not missing, f"not on the {lang} impact page: {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_impact_page_draws_its_charts_as_inline_svg(site: Path, lang: str):
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    page = read(site, f"{prefix}impact/index.html")
    charts = re.findall(r'<figure class="duo-chart"[^>]*><svg viewBox="[\d ]+" role="img"', page)
    assert len(charts) == len(load_default().impact.charts)


# --- <head> -------------------------------------------------------------------------------


def test_every_page_has_the_lang_of_its_language(site: Path):
    wrong = {
        rel: lang
        for rel in html_pages(site)
        if (lang := Page(read(site, rel)).lang) != language_of(rel)
    }
    assert not wrong


def test_every_page_has_a_description_and_open_graph_tags(site: Path):
    problems = []
    for rel in content_pages(site):
        page = Page(read(site, rel))
        lang = language_of(rel)
        for key in ("description", "og:title", "og:description"):
            if not page.meta.get(key, "").strip():
                problems.append(f"{rel}: no {key}")
        if page.meta.get("og:locale") != OG_LOCALES[lang]:
            problems.append(f"{rel}: og:locale {page.meta.get('og:locale')!r}")
        expected = sorted(v for k, v in OG_LOCALES.items() if k != lang)
        if sorted(page.og_alternate_locales) != expected:
            problems.append(f"{rel}: og:locale:alternate {page.og_alternate_locales}")
        if page.meta.get("og:url") != SITE_URL + url_of(rel).lstrip("/"):
            problems.append(f"{rel}: og:url {page.meta.get('og:url')!r}")
    assert not problems


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_descriptions_and_titles_are_translated(site: Path, lang: str):
    """A page's description and title differ from the French ones (no stale language)."""
    same = []
    for rel in content_pages(site):
        if language_of(rel) != lang:
            continue
        page, french = Page(read(site, rel)), Page(read(site, neutral(rel)))
        if page.meta["description"] == french.meta["description"]:
            same.append(f"{rel}: description")
        if page.title == french.title and not any(
            w in page.title for w in ("Impact", "Contact", "DUO for a JOB")
        ):
            same.append(f"{rel}: title {page.title!r}")
    assert not same


def test_every_page_has_absolute_hreflang_links_x_default_and_a_canonical(site: Path):
    problems = []
    for rel in content_pages(site):
        page = Page(read(site, rel))
        path = url_of(neutral(rel)).lstrip("/")
        expected = {
            "fr": SITE_URL + path,
            "nl": SITE_URL + "nl/" + path,
            "en": SITE_URL + "en/" + path,
            "x-default": SITE_URL + path,
        }
        if page.hreflang != expected:
            problems.append(f"{rel}: hreflang {page.hreflang}")
        if page.canonical != [SITE_URL + url_of(rel).lstrip("/")]:
            problems.append(f"{rel}: canonical {page.canonical}")
    assert not problems


def test_the_sitemap_lists_every_page_with_absolute_alternates_and_x_default(site: Path):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
    urls = ET.parse(site / "sitemap.xml").getroot().findall("s:url", ns)
    locs = [u.find("s:loc", ns).text for u in urls]
    pages = [r for r in content_pages(site) if not neutral(r).startswith("404/")]
    assert sorted(locs) == sorted(SITE_URL + url_of(r).lstrip("/") for r in pages)
    for url, loc in zip(urls, locs, strict=True):
        links = {x.get("hreflang"): x.get("href") for x in url.findall("x:link", ns)}
        assert set(links) == {"fr", "nl", "en", "x-default"}, loc
        assert all(h.startswith(SITE_URL) for h in links.values()), loc
        assert loc in links.values()
        assert links["x-default"] == links["fr"]


# --- 404 pages ----------------------------------------------------------------------------


@pytest.mark.parametrize(("rel", "lang"), list(zip(NOT_FOUND, LANGUAGES, strict=True)))
def test_each_language_has_a_404_page_in_that_language_with_absolute_urls(
    site: Path, rel: str, lang: str
):
    text = read(site, rel)
    page = Page(text)
    assert page.lang == lang
    heading = re.search(r"^# (.+)$", (PROJECT / "docs" / lang / "404.md").read_text("utf-8"), re.M)
    assert heading and f">{heading[1]}</h1>" in text
    relative = [
        url for _, _, url in page.refs
        if not re.match(r"^([a-z][a-z0-9+.-]*:|/|#)", url)
    ]
    assert not relative, f"relative URLs break at depth: {relative}"
    if lang != DEFAULT_LANGUAGE:
        nav = [a for a in page.anchors if a.startswith("/") and a not in ("/", "/nl/", "/en/")]
        assert nav and all(a.startswith(f"/{lang}/") for a in nav), nav


@pytest.mark.parametrize(("path", "lang"), [("/nope/", "fr"), ("/nl/nope/", "nl"),
                                            ("/en/a/b/c", "en")])
def test_the_server_answers_a_miss_with_the_404_page_of_the_paths_language(
    site: Path, tmp_path: Path, path: str, lang: str
):
    from forms_service import create_app

    app = create_app({
        "TESTING": True, "SITE_DIR": str(site), "SECRET_KEY": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'forms.sqlite3'}", "RATELIMIT_ENABLED": False,
    })
    response = app.test_client().get(path)
    assert response.status_code == 404
    assert Page(response.get_data(as_text=True)).lang == lang


# --- Links --------------------------------------------------------------------------------


def test_calls_to_action_point_at_the_form_in_the_pages_language(site: Path):
    wrong = []
    for rel in html_pages(site):
        lang = language_of(rel)
        for href in Page(read(site, rel)).anchors:
            if "/apply/" in href and not re.fullmatch(
                rf"/{lang}/apply/({'|'.join(KINDS)})/(\?branch=[a-z-]+)?", href
            ):
                wrong.append(f"{rel}: {href}")
    assert not wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_offers_every_form(site: Path, lang: str):
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    anchors = Page(read(site, f"{prefix}index.html")).anchors
    for kind in KINDS:
        assert f"/{lang}/apply/{kind}/" in anchors


def test_no_page_loads_anything_from_a_third_party(site: Path):
    """Only plain outbound <a> links may leave the site; scripts, styles, fonts may not."""
    third_party = []
    for rel in html_pages(site):
        text = read(site, rel)
        for tag, attr, url in Page(text).refs:
            external = re.match(r"^(https?:)?//", url) and not url.startswith(SITE_URL)
            if external and tag != "a":
                third_party.append(f"{rel}: <{tag} {attr}={url}>")
        for host in ("fonts.googleapis", "fonts.gstatic", "cdn.jsdelivr", "unpkg.com"):
            if host in text:
                third_party.append(f"{rel}: mentions {host}")
    for css in (site / "assets").rglob("*.css"):
        for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^)'\"]+)", css.read_text("utf-8")):
            third_party.append(f"{css.relative_to(site)}: url({url})")
        if re.search(r"@import\s+(url\()?['\"]?(https?:)?//", css.read_text("utf-8")):
            third_party.append(f"{css.relative_to(site)}: @import from a third party")
    assert not third_party


# --- Search -------------------------------------------------------------------------------


def page_headings(site: Path, lang: str) -> dict[str, str]:
    """Neutral URL path → the text of the page's <h1>, for every page of `lang`."""
    out = {}
    for rel in content_pages(site):
        if language_of(rel) == lang and not neutral(rel).startswith("404/"):
            h1 = re.search(r"<h1[^>]*>(.*?)</h1>", read(site, rel), re.S)
            text = re.sub(r"<[^>]+>", "", h1[1]) if h1 else ""
            out[url_of(neutral(rel)).lstrip("/")] = html.unescape(text).strip()
    return out


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_language_has_its_own_search_index_of_its_own_pages(site: Path, lang: str):
    prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    index = json.loads((site / prefix / "search" / "search_index.json").read_text("utf-8"))
    assert index["config"]["lang"] == [lang]
    titles = page_headings(site, lang)
    entries = {d["location"]: d["title"] for d in index["docs"] if "#" not in d["location"]}
    assert set(entries) == set(titles)
    for location, title in entries.items():
        assert html.unescape(title) == titles[location], location
    for doc in index["docs"]:
        assert not doc["location"].startswith(("nl/", "en/", "fr/", "404/")), doc["location"]
