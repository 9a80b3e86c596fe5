"""The pure functions of the site's MkDocs hooks."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pytest

from overrides.hooks import branch_page, charts, macros
from overrides.hooks.branch_page import branch_markdown
from overrides.hooks.charts import render_chart
from overrides.hooks.head import alternates, split_language
from overrides.hooks.languages import absolute_refs, sitemap_xml
from overrides.hooks.macros import (
    TEXT,
    call_back_text,
    country_contacts,
    cta_html,
    mentee_conditions_markdown,
    mentoring_languages_text,
)
from overrides.hooks.pages import missing_pages
from overrides.hooks.typography import (
    fix_french_spacing,
    french_spacing_errors,
    visible_text,
)
from sitedata import load_default
from sitedata.formatting import format_figure
from sitedata.models import Impact, Programme

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
            assert impact.sources[fig.source].name[lang] in html
    if chart.note:
        assert chart.note[lang] in unescape(html)
    assert "<script" not in html


# --- Charts: bars grouped by year, one measure per series ---------------------------------


def two_measure_impact() -> Impact:
    """Series "any job" measured in 2017 and 2025, series "stable job" only in 2025."""
    label = {"fr": "x", "nl": "x", "en": "x"}

    def fig(fid: str, year: int, value: int, measure: str) -> dict:
        return {"id": fid, "group": "history", "value": value, "unit": "percent", "year": year,
                "source": "s", "label": label, "measure": measure}

    return Impact.model_validate({
        "sources": {"s": {"name": {"fr": "Rapport", "nl": "Verslag", "en": "Report"},
                          "year": 2025}},
        "figures": [fig("any_2017", 2017, 55, "any_job"), fig("any_2025", 2025, 60, "any_job"),
                    fig("stable_2025", 2025, 50, "stable_job")],
        "charts": [{"id": "c", "kind": "grouped_bars", "title": label,
                    "note": {"fr": "Deux mesures.", "nl": "Twee metingen.", "en": "Two measures."},
                    "series": [{"label": {"fr": "Emploi", "nl": "Werk", "en": "Job"},
                                "figures": ["any_2017", "any_2025"]},
                               {"label": {"fr": "Emploi stable", "nl": "Stabiel werk",
                                          "en": "Stable job"},
                                "figures": ["stable_2025"]}]}],
    })


def bars(html: str) -> list[tuple[str, float]]:
    """(fill colour, x) of every bar of a rendered chart."""
    return [(m[2], float(m[1])) for m in re.finditer(
        r'<rect x="([\d.]+)" y="[\d.]+" width="[\d.]+" height="[\d.]+" fill="(#\w+)"', html)]


def test_a_series_measured_only_in_a_later_year_is_drawn_in_that_year_not_the_first():
    impact = two_measure_impact()
    html = render_chart(impact.charts[0], impact, "en")
    axis = {m[2]: float(m[1]) for m in re.finditer(
        r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" class="duo-chart__axis">(\d+)<', html)}
    stable = [x for colour, x in bars(html) if colour == charts.COLOURS[1]]
    assert len(stable) == 1
    # The stable-job bar stands in the 2025 group, nearer its label than 2017's.
    assert abs(stable[0] - axis["2025"]) < abs(stable[0] - axis["2017"])
    assert "Stable job 2025: 50%" in html and "Stable job 2017" not in html


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_a_chart_names_its_series_its_note_and_its_sources_in_the_pages_language(lang):
    impact = two_measure_impact()
    html = render_chart(impact.charts[0], impact, lang)
    chart = impact.charts[0]
    assert all(s.label[lang] in html for s in chart.series)
    assert chart.note and chart.note[lang] in html
    assert impact.sources["s"].name[lang] in html
    assert 'style="' not in html  # the CSP allows no inline style


# --- Calls to action ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("kind", ["mentor", "mentee"])
def test_the_mentor_and_young_person_calls_to_action_are_primary_with_one_label(kind, lang):
    html = cta_html(kind, lang)
    assert "md-button--primary" in html
    assert f">{TEXT[f'cta_{kind}'][lang].replace(chr(39), '&#x27;')}</a>" in html
    with pytest.raises(ValueError, match="primary"):
        cta_html(kind, lang, secondary=True)


def test_the_young_persons_label_is_the_one_the_forms_use():
    assert TEXT["cta_mentee"] == {
        "fr": "M'inscrire comme jeune",
        "nl": "Inschrijven als jongere",
        "en": "Sign up as a young person",
    }


# --- Facts from the data, in words ---------------------------------------------------------


def programme_with(**changes) -> Programme:
    raw = load_default().programme.model_dump(by_alias=True)
    for path, value in changes.items():
        node = raw
        *parents, last = path.split("__")
        for key in parents:
            node = node[key]
        node[last] = value
    return Programme.model_validate(raw)


@pytest.mark.parametrize(
    ("days", "lang", "expected"),
    [(2, "fr", "dans un délai de 2 jours"), (2, "nl", "binnen 2 dagen"),
     (2, "en", "within 2 days"), (5, "fr", "dans un délai de 5 jours"),
     (1, "nl", "binnen 1 dag"), (1, "en", "within 1 day")],
)
def test_the_call_back_promise_is_said_from_the_number_of_days_in_data(days, lang, expected):
    assert call_back_text(programme_with(call_back__days=days), lang) == expected


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_the_mentee_conditions_list_every_countrys_range_and_every_condition(lang):
    site = load_default()
    text = mentee_conditions_markdown(site.programme, site.branches, lang)
    rules = site.programme.eligibility
    for code, r in rules.mentee.items():
        where = site.branches.countries[code].in_name[lang]
        line = next(x for x in text.splitlines() if where in x)
        assert line.startswith("    - ") and str(r.min_age) in line and str(r.max_age) in line
    for condition in rules.mentee_conditions.items:
        assert condition.text[lang] in text
    assert text.rstrip().endswith(".")
    for code in rules.mentoring_languages:
        assert macros.LANGUAGE_NAMES[lang][code] in text


def test_the_mentee_conditions_follow_the_data_when_it_changes():
    site = load_default()
    programme = programme_with(eligibility__mentee__NL__max_age=30,
                               eligibility__mentoring_languages=["nl", "en"])
    text = mentee_conditions_markdown(programme, site.branches, "en")
    assert "18 to 30 years old in the Netherlands" in text
    assert "you speak Dutch or English." in text


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "en français, en néerlandais ou en anglais"),
     ("nl", "in het Frans, het Nederlands of het Engels"),
     ("en", "in French, Dutch or English")],
)
def test_the_mentoring_languages_are_read_from_data(lang, expected):
    assert mentoring_languages_text(load_default().programme, lang) == expected


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_countries_without_a_known_contact_are_told_to_use_the_form_or_the_head_office(lang):
    branches = load_default().branches
    text = country_contacts(branches, lang)
    office = branches.head_office(None)
    for code, country in branches.countries.items():
        known = [b for b in branches.branches if b.country == code and b.inbox and b != office]
        if not known:
            key = "no_contact_home" if code == office.country else "no_contact"
            assert TEXT[key][lang].format(
                in_country=country.in_name[lang], office=office.name[lang]
            ) in text
    assert "+32" not in text  # the head office's details stand in their own section


# --- Branch pages --------------------------------------------------------------------------

INVENTED_ROLES = ("siège pour", "hoofdkantoor voor", "head office for")


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
@pytest.mark.parametrize("branch_id", [b.id for b in load_default().branches.branches])
def test_a_branch_page_states_only_what_data_holds(branch_id, lang):
    site = load_default()
    branch = site.branches.get(branch_id)
    country = site.branches.countries[branch.country]
    text = branch_markdown(branch, site, lang)
    assert not any(role in text for role in INVENTED_ROLES)
    assert "Langues" not in text and "Talen" not in text and "Languages" not in text
    assert site.programme.eligibility.mentor.says(lang) in text  # in its description
    if not (branch.inbox or branch.phone or branch.address):
        office = site.branches.head_office(None)
        assert f"branch_contact('{office.id}')" in text
    rest = branch_page.TEXT["area_rest"][lang].format(in_country=country.in_name[lang])
    # Where an application with no nearer branch goes: said plainly, on that branch alone.
    assert (rest in text) == (country.head_office == branch.id)
    mentee, mentor = text.index("cta('mentee'"), text.index("cta('mentor'")
    assert mentee < mentor and "secondary" not in text


# --- French typography ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("Contact\u202f: ici", 0),
        ("Contact : ici", 1),
        ("Contact\u00a0: ici", 1),
        ("Contact: ici", 1),
        ("Vraiment\u202f?!", 0),
        ("Vraiment ?", 1),
        ("«\u202fNotre impact\u202f»", 0),
        ("« Notre impact »", 2),
        ("«Notre impact»", 2),
        ("à 14:30, https://example.org/a?b", 0),
        ("!!! note", 0),
        ("a\u202f; b\u202f; c", 0),
    ],
)
def test_french_spacing_errors_finds_each_missing_narrow_no_break_space(text, errors):
    assert len(french_spacing_errors(text)) == errors
    assert french_spacing_errors(fix_french_spacing(text)) == []


def test_visible_text_skips_scripts_code_and_attributes_but_reads_the_description():
    html = ('<html><head><meta name="description" content="Qui : nous">'
            '<script>a = {b: 1}</script></head><body><p title="x : y">Oui<code>a:b</code></p>'
            '<svg><text>1:2</text></svg></body></html>')
    text = visible_text(html)
    assert "Qui : nous" in text and "Oui" in text
    assert "a = " not in text and "a:b" not in text and "x : y" not in text and "1:2" not in text


def hook_strings(lang: str) -> list[str]:
    """Every text in `lang` the site's hooks and templates write around the data."""
    out = []
    for table in (macros.TEXT, branch_page.TEXT):
        out += [words[lang] for words in table.values()]
    out += [words[lang] for words in (charts.SOURCES_WORD, macros.LANGUAGE_NAMES[lang])]
    if lang == "nl":
        here = Path(__file__).resolve().parents[2] / "overrides"
        language = (here / "partials" / "language.html").read_text("utf-8")
        block = language[language.index('"nl": {'):language.index('"en": {')]
        out += re.findall(r'"[\w.]+": "([^"]+)"', block)
        main = (here / "main.html").read_text("utf-8")
        out += re.findall(r"Deze pagina[^<]*|Lees in het Nederlands", main)
    return out


def test_the_french_words_of_the_hooks_follow_french_spacing():
    wrong = {t: [str(e) for e in french_spacing_errors(t)] for t in hook_strings("fr")}
    assert not {t: e for t, e in wrong.items() if e}


FORMAL_DUTCH = re.compile(r"(?<![\w'-])(u|uw|uwe|uzelf)(?![\w'-])", re.IGNORECASE)


def test_the_dutch_words_of_the_hooks_say_je_never_u():
    strings = hook_strings("nl")
    assert len(strings) > 20
    assert not [t for t in strings if FORMAL_DUTCH.search(t)]


# --- Macro calls in pages --------------------------------------------------------------------


def page_at(src_uri: str, url: str):
    """The two attributes of an MkDocs page the macros read."""
    from types import SimpleNamespace

    return SimpleNamespace(url=url, file=SimpleNamespace(src_uri=src_uri))


@pytest.mark.parametrize(
    ("src_uri", "url", "lang"),
    [("fr/impact.md", "impact/", "fr"), ("nl/impact.md", "nl/impact/", "nl"),
     ("en/impact.md", "en/impact/", "en")],
)
def test_a_macro_call_is_replaced_by_its_value_in_the_pages_language(src_uri, url, lang):
    data = load_default()
    figure = data.impact.figures[0]
    text = f'Before {{{{ figure("{figure.id}") }}}} / {{{{cta("mentor")}}}} after.'
    out = macros.render_macros(text, page_at(src_uri, url), data)
    assert out == (
        f"Before {format_figure(figure, lang)} / {cta_html('mentor', lang)} after."
    )


def test_a_page_without_macro_calls_and_template_like_text_are_left_as_written():
    data = load_default()
    page = page_at("en/faq.md", "en/faq/")
    text = "## Heading {#anchor}\n\n{% not a tag %} and {# not a comment #}\n"
    assert macros.render_macros(text, page, data) == text
    assert macros.render_macros("{{ branch_count() }} {#x}", page, data) == (
        f"{len(data.branches.branches)} {{#x}}"
    )


@pytest.mark.parametrize(
    ("call", "reason"),
    [("nope()", "'nope' is undefined"), ("nope", "'nope' is undefined"),
     ('figure("no_such_figure")', "no_such_figure"), ("cta('mentor', True)", "primary")],
)
def test_an_unknown_or_failing_macro_call_stops_the_build_naming_the_page(call, reason):
    from mkdocs.exceptions import PluginError

    with pytest.raises(PluginError) as failure:
        macros.render_macros(f"x {{{{ {call} }}}} y", page_at("nl/faq.md", "nl/faq/"),
                             load_default())
    assert str(failure.value).startswith(f"nl/faq.md: the macro call {{{{ {call} }}}} failed")
    assert reason in str(failure.value)
