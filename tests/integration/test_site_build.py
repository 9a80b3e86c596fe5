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

from overrides.hooks.macros import TEXT
from overrides.hooks.typography import french_spacing_errors, visible_text
from sitedata import load_default
from sitedata.formatting import COLON, format_figure, source_and_year
from sitedata.urls import french_redirect, site_page_exists

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
        value, source = format_figure(fig, lang), source_and_year(impact, fig, lang)
        as_card = [fig.label[lang], value, source]
        as_chart = [f"{fig.year}{COLON[lang]}{value}", source]
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


# --- What the pages say: facts from the data, one wording, one register ----------------------


def prefix_of(lang: str) -> str:
    return "" if lang == DEFAULT_LANGUAGE else f"{lang}/"


def text_of(site: Path, rel: str) -> str:
    """What a reader sees of a built page's content (the article), one block a line."""
    page = read(site, rel)
    article = re.search(r"<article\b.*?</article>", page, re.S)
    return visible_text(article[0] if article else page)


def test_every_french_page_has_a_narrow_no_break_space_before_double_punctuation(site: Path):
    wrong = {
        rel: [str(e) for e in errors][:3]
        for rel in html_pages(site)
        if language_of(rel) == "fr" and (errors := french_spacing_errors(visible_text(
            read(site, rel))))
    }
    assert not wrong


def copy_of_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    for name in ("docs", "overrides", "data", "sitedata"):
        shutil.copytree(PROJECT / name, project / name)
    shutil.copy(PROJECT / "mkdocs.yml", project / "mkdocs.yml")
    return project


def test_a_french_page_with_a_plain_space_before_a_colon_fails_the_build_naming_it(
    tmp_path: Path,
):
    project = copy_of_project(tmp_path)
    faq = project / "docs" / "fr" / "faq.md"
    faq.write_text(faq.read_text("utf-8").replace("\u202f:", " :", 1), encoding="utf-8")
    result = build_site(tmp_path / "out", project=project)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "fr/faq.md" in log and "U+202F" in log, log


@pytest.mark.parametrize("where", ["description", "navigation"])
def test_a_plain_space_in_a_french_description_or_the_navigation_fails_the_build(
    tmp_path: Path, where: str
):
    """The page's own text is read on every page; the frame around it once per template."""
    project = copy_of_project(tmp_path)
    if where == "description":
        edited, old, new = project / "docs" / "fr" / "contact.md", "\u202f:", " :"
    else:
        edited, old, new = project / "mkdocs.yml", "\n  - Aide:", '\n  - "Aide ?":'
    text = edited.read_text("utf-8")
    assert old in text
    edited.write_text(text.replace(old, new, 1), encoding="utf-8")
    result = build_site(tmp_path / "out", project=project)
    assert result.returncode != 0
    log = result.stdout + result.stderr
    assert "French spacing" in log and "U+202F" in log, log


@pytest.fixture(scope="module")
def changed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site built from changed data: every changed fact must show on the pages."""
    import yaml

    tmp = tmp_path_factory.mktemp("changed")
    project = copy_of_project(tmp)
    data = project / "data"
    programme = yaml.safe_load((data / "programme.yml").read_text("utf-8"))
    programme["call_back"]["days"] = 5
    programme["eligibility"]["mentor"]["min_age"] = 55
    programme["eligibility"]["mentee"]["NL"]["max_age"] = 30
    (data / "programme.yml").write_text(yaml.safe_dump(programme, allow_unicode=True), "utf-8")
    branches = yaml.safe_load((data / "branches.yml").read_text("utf-8"))
    branches["branches"] = [b for b in branches["branches"] if b["id"] != "lyon"]
    (data / "branches.yml").write_text(yaml.safe_dump(branches, allow_unicode=True), "utf-8")
    result = build_site(tmp / "site", project=project)
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp / "site"


CHANGED = {
    "fr": ["dans un délai de 5 jours", "55 ans ou plus", "de 18 à 30 ans aux Pays-Bas",
           "12 antennes"],
    "nl": ["binnen 5 dagen", "55 jaar of ouder", "van 18 tot 30 jaar in Nederland",
           "12 afdelingen"],
    "en": ["within 5 days", "aged 55 or over", "18 to 30 years old in the Netherlands",
           "12 branches"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_pages_state_the_facts_the_data_holds(changed_site: Path, lang: str):
    prefix = prefix_of(lang)
    faq = text_of(changed_site, f"{prefix}faq/index.html")
    call_back, age, range_nl, count = CHANGED[lang]
    assert call_back in faq and range_nl in faq and age in faq
    for page in ("young-people", "mentor", "contact"):
        assert call_back in text_of(changed_site, f"{prefix}{page}/index.html"), page
    assert age in text_of(changed_site, f"{prefix}mentor/index.html")
    for page in ("branches/index.html", "impact/index.html"):
        assert count in text_of(changed_site, prefix + page), page


def test_pages_built_from_the_projects_data_say_what_it_holds(site: Path):
    data = load_default()
    days, age = data.programme.call_back.days, data.programme.eligibility.mentor.says("en")
    faq = text_of(site, "en/faq/index.html")
    assert f"within {days} days" in faq and age in faq


# The number of the rule, unless it is a percentage (50 % of young people find a stable job).
MENTOR_AGE_NUMBER = r"\b{n}\b(?!\s?%)"
# What follows the number when it is an age.
AGE_WORDS = r"\s?(ans|jaar|years|or|and|\+)"
OTHER_AGE_WORDINGS = {
    "fr": r"plus de {n} ans|{n} ans et plus|au moins {n} ans",
    "nl": r"boven de {n}|{n} jaar en ouder|minstens {n} jaar|ouder dan {n}",
    "en": r"over {n}\b|{n} and over|at least {n}|{n} or older",
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_mentor_age_is_said_in_one_wording_on_every_page(site: Path, lang: str):
    rule = load_default().programme.eligibility.mentor
    n, wording = rule.min_age, rule.says(lang)
    wrong = []
    for rel in content_pages(site):
        if language_of(rel) != lang:
            continue
        text = re.sub(r"\s+", " ", visible_text(read(site, rel)))  # the description too
        if re.search(OTHER_AGE_WORDINGS[lang].format(n=n), text):
            wrong.append(f"{rel}: another wording")
        for m in re.finditer(MENTOR_AGE_NUMBER.format(n=n), text):
            around = text[max(0, m.start() - 10) : m.end() + 20]
            if re.match(AGE_WORDS, text[m.end() :]) and wording not in around:
                wrong.append(f"{rel}: …{around}…")
    assert not wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_branches_and_impact_pages_give_both_counts_with_year_and_source(
    site: Path, lang: str
):
    data = load_default()
    impact, branches = data.impact, data.branches
    listed = f"{branches.listing.source[lang]}, {branches.listing.year}"
    for page in ("branches/index.html", "impact/index.html"):
        text = re.sub(r"\s+", " ", html.unescape(text_of(site, prefix_of(lang) + page)))
        assert str(len(branches.branches)) in text and listed in text, page
        for fid in ("branches_2023", "cities_2022"):
            fig = impact.figure(fid)
            assert format_figure(fig, lang) in text, (page, fid)
            assert source_and_year(impact, fig, lang) in text, (page, fid)


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_figure_cards_and_chart_captions_name_their_sources_in_the_pages_language(
    site: Path, lang: str
):
    page = read(site, f"{lang}/impact/index.html" if lang != "fr" else "impact/index.html")
    sources = [html.unescape(s) for s in re.findall(
        r'<p class="duo-card__source">([^<]+)</p>', page)]
    assert sources
    word = {"fr": "Source\u202f: ", "nl": "Bron: "}[lang]
    assert all(s.startswith(word) for s in sources), sources
    captions = " ".join(re.findall(r"<figcaption>(.*?)</figcaption>", page, re.S))
    assert {"fr": "Sources\u202f: ", "nl": "Bronnen: "}[lang] in html.unescape(captions)
    for english in ("annual report", "project page", "Funder profile", "data estimates"):
        assert english not in page


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_employment_chart_never_joins_any_job_and_a_stable_job(site: Path, lang: str):
    data = load_default()
    chart = next(c for c in data.impact.charts if c.id == "outcomes_over_time")
    page = read(site, prefix_of(lang) + "impact/index.html")
    desc = html.unescape(re.search(r'<desc id="chart-outcomes_over_time-desc">(.*?)</desc>',
                                   page, re.S)[1])
    for series in chart.series:
        years = {data.impact.figure(fid).year for fid in series.figures}
        for year in (2017, 2024, 2025):
            assert (f"{series.label[lang]} {year}{COLON[lang]}" in desc) == (year in years)
    assert chart.note and html.unescape(chart.note[lang]) in html.unescape(page)


def anchors_with_class(page: str, cls: str) -> list[tuple[str, str, str]]:
    """(class, href, text) of every <a> whose class holds `cls`."""
    return [(m[1], m[2], html.unescape(m[3])) for m in re.finditer(
        r'<a class="([^"]*\b' + cls + r'\b[^"]*)"[^>]*href="([^"]+)">([^<]*)</a>', page)]


def test_every_call_to_action_of_a_mentor_or_young_person_is_primary_with_its_label(
    site: Path,
):
    wrong, seen = [], 0
    for rel in html_pages(site):
        lang = language_of(rel)
        for cls, href, label in anchors_with_class(read(site, rel), "duo-cta"):
            kind = re.search(r"/apply/(\w+)/", href)[1]
            if kind in ("mentor", "mentee"):
                seen += 1
                if "md-button--primary" not in cls or label != TEXT[f"cta_{kind}"][lang]:
                    wrong.append(f"{rel}: {cls} {label}")
    assert seen > 50 and not wrong


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_home_page_offers_the_young_person_first_as_a_primary_button(site: Path, lang):
    ctas = anchors_with_class(read(site, prefix_of(lang) + "index.html"), "duo-cta")
    (first_cls, first_href, _), (second_cls, second_href, _) = ctas[:2]
    assert "/apply/mentee/" in first_href and "/apply/mentor/" in second_href
    assert "md-button--primary" in first_cls and "md-button--primary" in second_cls


@pytest.mark.parametrize(
    ("lang", "press", "journalist"),
    [("fr", "Presse", "journaliste"), ("nl", "Pers", "journalist"), ("en", "Press", "journalist")],
)
def test_the_press_is_given_a_contact_on_the_contact_page_not_the_partners_page(
    site: Path, lang: str, press: str, journalist: str
):
    office = load_default().branches.head_office(None)
    contact = read(site, prefix_of(lang) + "contact/index.html")
    assert re.search(rf"<h2[^>]*>{press}</h2>", contact)
    assert str(office.inbox) in contact and office.phone in contact
    assert journalist not in read(site, prefix_of(lang) + "partners/index.html").lower()


FORMAL_DUTCH = re.compile(r"(?<![\w'-])(u|uw|uwe|uzelf)(?![\w'-])", re.IGNORECASE)


def test_dutch_pages_say_je_to_the_reader_everywhere_theme_words_included(site: Path):
    wrong = {}
    for rel in html_pages(site):
        if language_of(rel) == "nl":
            found = FORMAL_DUTCH.findall(visible_text(read(site, rel)))
            if found:
                wrong[rel] = found
    assert not wrong


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_navigation_landmarks_have_translated_names_of_their_own(site: Path, lang: str):
    page = read(site, prefix_of(lang) + "impact/index.html")
    header = re.search(r'<nav class="md-header__inner[^"]*" aria-label="([^"]+)"', page)[1]
    footer = re.search(r'<nav class="md-footer__inner[^"]*" aria-label="([^"]+)"', page)[1]
    primary = re.search(r'<nav class="md-nav md-nav--primary[^"]*" aria-label="([^"]+)"', page)[1]
    assert len({header, footer, primary}) == 3
    if lang == "nl":
        assert header not in ("Header", "Footer") and footer not in ("Header", "Footer")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_language_menu_says_each_links_language_and_marks_the_current_one(site, lang):
    page = read(site, prefix_of(lang) + "faq/index.html")
    links = re.findall(r'<a href="[^"]*" hreflang="(\w+)" lang="(\w+)" class="md-select__link"'
                       r'( aria-current="true")?>', page)
    assert sorted(code for code, _, _ in links) == sorted(LANGUAGES)
    assert all(code == spoken for code, spoken, _ in links)
    assert [code for code, _, current in links if current] == [lang]


def test_the_menu_and_search_toggles_are_buttons_that_say_whether_they_are_open(site: Path):
    page = read(site, "nl/index.html")
    for toggle in ("__drawer", "__search"):
        button = re.search(rf'<button type="button"[^>]*data-duo-toggle="{toggle}"[^>]*>', page)
        assert button and 'aria-expanded="false"' in button[0] and "aria-label=" in button[0]
    assert "assets/javascripts/toggles.js" in page


def test_every_french_page_under_fr_is_moved_to_the_page_itself(site: Path):
    page_exists = site_page_exists(site)
    for rel in content_pages(site):
        if language_of(rel) == "fr":
            path = url_of(rel)
            assert french_redirect("/fr" + path, page_exists) == path
    for service in ("/fr/apply/mentor/", "/fr/sessions/", "/fr/staff/"):
        assert french_redirect(service, page_exists) is None



ENGLISH_THEME_WORDS = ("Made with", "Skip to content", "Table of contents", "Header", "Footer",
                       "Select language", "Previous", "Next")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_french_and_dutch_pages_show_no_english_theme_words(site: Path, lang: str):
    wrong = {}
    for rel in html_pages(site):
        if language_of(rel) == lang:
            page = read(site, rel)
            shown = visible_text(page) + " ".join(re.findall(r'aria-label="([^"]*)"', page))
            found = [w for w in ENGLISH_THEME_WORDS if w in shown]
            if found:
                wrong[rel] = found
    assert not wrong
