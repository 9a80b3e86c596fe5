"""Macros for the pages. Every figure, age, rule and contact comes from data/*.yml; the words
around them are here, in the three languages.

A page calls them as `{{ figure("mentors_total") }}`. This hook evaluates each `{{ … }}` as a
Jinja expression (compiled once per build, shared by the three languages) with the page's
macros in scope; a page is not a template, so `{% … %}` and `{# … #}` are plain text. The
language is read from the page being rendered. An unknown name, or a macro that fails,
stops the build naming the page and the call.
"""

from __future__ import annotations

import functools
import posixpath
import re
import sys
from collections.abc import Callable
from html import escape
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.exceptions import PluginError

# MkDocs loads this file by path; make the project's packages importable beside it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from overrides.hooks.charts import render_chart  # noqa: E402
from sitedata import load_default  # noqa: E402
from sitedata.formatting import (  # noqa: E402
    COLON,
    format_figure,
    format_items,
    format_value,
    source_and_year,
)
from sitedata.kinds import KINDS, apply_url, sessions_url  # noqa: E402
from sitedata.models import Branch, Branches, Figure, Impact, Programme, SiteData  # noqa: E402
from sitedata.urls import language_of_path  # noqa: E402

NNBSP = "\u202f"

TEXT: dict[str, dict[str, str]] = {
    "source": {"fr": "Source", "nl": "Bron", "en": "Source"},
    # The same label on every call to action, on the site and as the form's title.
    "cta_mentor": {"fr": "Devenir mentor", "nl": "Mentor worden", "en": "Become a mentor"},
    "cta_mentee": {
        "fr": "M'inscrire comme jeune",
        "nl": "Inschrijven als jongere",
        "en": "Sign up as a young person",
    },
    "cta_partner": {"fr": "Devenir partenaire", "nl": "Partner worden", "en": "Become a partner"},
    "sessions": {
        "fr": "Voir les séances et réserver une place",
        "nl": "Bekijk de infosessies en boek een plaats",
        "en": "See the sessions and book a place",
    },
    "sessions_branch": {
        "fr": "Les séances d'information de cette antenne",
        "nl": "De infosessies van deze afdeling",
        "en": "This branch's information sessions",
    },
    "cta_volunteer": {
        "fr": "Devenir bénévole",
        "nl": "Vrijwilliger worden",
        "en": "Become a volunteer",
    },
    "since": {"fr": "depuis {}", "nl": "sinds {}", "en": "since {}"},
    "head_office": {"fr": "siège", "nl": "hoofdkantoor", "en": "head office"},
    "address": {"fr": "Adresse", "nl": "Adres", "en": "Address"},
    "phone": {"fr": "Téléphone", "nl": "Telefoon", "en": "Phone"},
    "email": {"fr": "E-mail", "nl": "E-mail", "en": "E-mail"},
    # The call-back promise, with the number of days from data/programme.yml.
    "call_back_one": {"fr": "dans un délai d'un jour", "nl": "binnen 1 dag", "en": "within 1 day"},
    "call_back": {
        "fr": "dans un délai de {} jours",
        "nl": "binnen {} dagen",
        "en": "within {} days",
    },
    "age_range": {
        "fr": "de {low} à {high} ans {where}",
        "nl": "van {low} tot {high} jaar {where}",
        "en": "{low} to {high} years old {where}",
    },
    "speaks": {"fr": "vous parlez {}", "nl": "je spreekt {}", "en": "you speak {}"},
    "in_language": {"fr": "{}", "nl": "in {}", "en": "in {}"},
    "no_contact": {
        "fr": (
            "Nous ne connaissons pas de coordonnées publiques pour nos antennes {in_country}. "
            f"Pour vous inscrire, utilisez le formulaire{NNBSP}: votre inscription arrive à "
            "l'antenne de votre région. Pour une autre question, contactez le siège, à {office}."
        ),
        "nl": (
            "We kennen geen openbare contactgegevens van onze afdelingen {in_country}. "
            "Schrijf je in met het formulier: je inschrijving komt terecht bij de afdeling "
            "voor je regio. Voor een andere vraag neem je contact op met het hoofdkantoor "
            "in {office}."
        ),
        "en": (
            "We know of no public contact details for our branches {in_country}. To sign up, "
            "use the form: your application goes to the branch for your area. For any other "
            "question, contact the head office in {office}."
        ),
    },
    "no_contact_home": {
        "fr": (
            "En dehors du siège, nous ne connaissons pas de coordonnées publiques pour nos "
            f"antennes {{in_country}}. Pour vous inscrire, utilisez le formulaire{NNBSP}: votre "
            "inscription arrive à l'antenne de votre région. Pour une autre question, "
            "contactez le siège, à {office}."
        ),
        "nl": (
            "Buiten het hoofdkantoor kennen we geen openbare contactgegevens van onze "
            "afdelingen {in_country}. Schrijf je in met het formulier: je inschrijving komt "
            "terecht bij de afdeling voor je regio. Voor een andere vraag neem je contact op "
            "met het hoofdkantoor in {office}."
        ),
        "en": (
            "Apart from the head office, we know of no public contact details for our "
            "branches {in_country}. To sign up, use the form: your application goes to the "
            "branch for your area. For any other question, contact the head office in {office}."
        ),
    },
}
# Language names, in each language, as the mentoring languages are listed.
LANGUAGE_NAMES: dict[str, dict[str, str]] = {
    "fr": {"fr": "français", "nl": "néerlandais", "en": "anglais"},
    "nl": {"fr": "Frans", "nl": "Nederlands", "en": "Engels"},
    "en": {"fr": "French", "nl": "Dutch", "en": "English"},
}
# The same names after a preposition: "en français", "(in) het Frans", "(in) French".
LANGUAGE_NAMES_AFTER_IN: dict[str, dict[str, str]] = {
    "fr": {"fr": "en français", "nl": "en néerlandais", "en": "en anglais"},
    "nl": {"fr": "het Frans", "nl": "het Nederlands", "en": "het Engels"},
    "en": LANGUAGE_NAMES["en"],
}


def page_language(page) -> str:
    """The language of the page being rendered, from its URL (nl/…, en/…, else French)."""
    return language_of_path(page.url if page else "")


def cta_html(kind: str, lang: str, secondary: bool = False, branch: str | None = None) -> str:
    """A call to action. A mentor's and a young person's are always primary buttons."""
    if kind not in KINDS:
        raise ValueError(f"unknown application kind {kind!r}; one of {KINDS}")
    if secondary and kind in ("mentor", "mentee"):
        raise ValueError(f"the {kind} call to action is always a primary button")
    style = "md-button" if secondary else "md-button md-button--primary"
    label = TEXT[f"cta_{kind}"][lang]
    href = escape(apply_url(kind, lang, branch))
    return f'<a class="{style} duo-cta" data-kind="{kind}" href="{href}">{escape(label)}</a>'


def source_line(impact: Impact, figure: Figure, lang: str) -> str:
    """Where a figure comes from, in the page's language: "Source : OCDE…, 2023"."""
    return f"{TEXT['source'][lang]}{COLON[lang]}{source_and_year(impact, figure, lang)}"


def breakdown_text(figure: Figure, branches: Branches, lang: str) -> str:
    """A count per country: "13 en Belgique, 3 en France et 1 aux Pays-Bas"."""
    parts = [
        f"{format_value(n, figure.unit, lang)} {branches.countries[code].in_name[lang]}"
        for code, n in (figure.breakdown or {}).items()
    ]
    return format_items(parts, lang)


def figure_card(figure: Figure, impact: Impact, branches: Branches, lang: str) -> str:
    breakdown = (
        f'<p class="duo-card__breakdown">{escape(breakdown_text(figure, branches, lang))}</p>'
        if figure.breakdown
        else ""
    )
    return (
        '<div class="duo-card">'
        f'<p class="duo-card__value">{escape(format_figure(figure, lang))}</p>'
        f'<p class="duo-card__label">{escape(figure.label[lang])}</p>'
        f"{breakdown}"
        f'<p class="duo-card__source">{escape(source_line(impact, figure, lang))}</p>'
        "</div>"
    )


def contact_html(branch: Branch, lang: str) -> str:
    """The known contact details of a branch as a definition list; only what data holds."""
    rows = []
    if branch.address:
        rows.append((TEXT["address"][lang], escape(branch.address)))
    if branch.phone:
        tel = branch.phone.replace(" ", "")
        rows.append((TEXT["phone"][lang], f'<a href="tel:{tel}">{escape(branch.phone)}</a>'))
    if branch.inbox:
        inbox = escape(str(branch.inbox))
        rows.append((TEXT["email"][lang], f'<a href="mailto:{inbox}">{inbox}</a>'))
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="duo-contact">{items}</dl>'


def has_contact(branch: Branch) -> bool:
    return bool(branch.address or branch.phone or branch.inbox)


def country_contacts(branches: Branches, lang: str) -> str:
    """Per country: the contact details public sources give for its branches (besides the
    head office's, shown on its own), else where to turn instead: the form, the head office."""
    office = branches.head_office(None)
    out = []
    for code, country in branches.countries.items():
        out.append(f"\n### {country.name[lang]}\n")
        known = [
            b for b in branches.branches if b.country == code and has_contact(b) and b != office
        ]
        for branch in known:
            out.append(f"\n#### {branch.name[lang]}\n\n{contact_html(branch, lang)}\n")
        if not known:
            key = "no_contact_home" if code == office.country else "no_contact"
            text = TEXT[key][lang].format(
                in_country=country.in_name[lang], office=office.name[lang]
            )
            out.append(f"\n{text}\n")
    return "\n".join(out)


def call_back_text(programme: Programme, lang: str) -> str:
    """How soon a coordinator calls: "dans un délai de 2 jours", "binnen 2 dagen"."""
    days = programme.call_back.days
    return TEXT["call_back_one"][lang] if days == 1 else TEXT["call_back"][lang].format(days)


def mentoring_languages_text(programme: Programme, lang: str) -> str:
    """ "en français, en néerlandais ou en anglais", "in het Frans, … of het Engels"."""
    names = [LANGUAGE_NAMES_AFTER_IN[lang][c] for c in programme.eligibility.mentoring_languages]
    return TEXT["in_language"][lang].format(format_items(names, lang, style="or"))


# How a list item ends: all but the last with a semicolon, the last with a full stop.
ITEM_END = {"fr": f"{NNBSP};", "nl": ";", "en": ";"}


def mentee_conditions_markdown(programme: Programme, branches: Branches, lang: str) -> str:
    """The conditions a young person meets, as a Markdown list, in the order of the data:
    under `age` the range of each country, and last the languages mentoring is offered in."""
    rules = programme.eligibility
    lines: list[tuple[str, str]] = []  # (indent, text)
    for condition in rules.mentee_conditions.items:
        lines.append(("", condition.text[lang]))
        if condition.id == "age":
            lines += [
                ("    ", TEXT["age_range"][lang].format(
                    low=r.min_age, high=r.max_age, where=branches.countries[code].in_name[lang]
                ))
                for code, r in rules.mentee.items()
            ]
    spoken = format_items(
        [LANGUAGE_NAMES[lang][c] for c in rules.mentoring_languages], lang, style="or"
    )
    lines.append(("", TEXT["speaks"][lang].format(spoken)))
    out = []
    for i, (indent, text) in enumerate(lines):
        end = "" if text.endswith(":") else ("." if i == len(lines) - 1 else ITEM_END[lang])
        out.append(f"{indent}- {text}{end}")
    return "\n".join(out) + "\n"


def relative_link(page, target_src_uri: str) -> str:
    """A Markdown link target from the current page to another source file."""
    here = posixpath.dirname(page.file.src_uri) if page else ""
    return posixpath.relpath(target_src_uri, here or ".")


def macros_for(page, data: SiteData) -> dict[str, Callable[..., Any]]:
    """The macros a page may call, bound to its language."""
    impact, branches, programme = data.impact, data.branches, data.programme
    lang = page_language(page)

    def figure_cards(ids: list[str] | None = None, group: str | None = None) -> str:
        chosen = [impact.figure(i) for i in ids] if ids else [
            f for f in impact.figures if f.group == group
        ]
        if not chosen:
            raise ValueError(f"figure_cards: no figure for ids={ids!r} group={group!r}")
        cards = "".join(figure_card(f, impact, branches, lang) for f in chosen)
        return f'<div class="duo-cards">{cards}</div>'

    def sessions_link(branch: str | None = None) -> str:
        """A button to the service's list of information sessions (of one branch)."""
        label = TEXT["sessions_branch" if branch else "sessions"][lang]
        href = escape(sessions_url(lang, branch))
        return f'<a class="md-button duo-sessions" href="{href}">{label}</a>'

    def branch_list() -> str:
        out = []
        for code, country in branches.countries.items():
            out.append(f"\n### {country.name[lang]}\n")
            members = sorted(
                (b for b in branches.branches if b.country == code), key=lambda b: b.name[lang]
            )
            for b in members:
                link = relative_link(page, f"{lang}/branches/{b.id}.md")
                since = TEXT["since"][lang].format(b.opened)
                is_office = b.id == branches.organisation_head_office
                office = f" ({TEXT['head_office'][lang]})" if is_office else ""
                out.append(f"- [{b.name[lang]}]({link}){office}, {since}")
        return "\n".join(out) + "\n"

    return {
        "figure": lambda figure_id: format_figure(impact.figure(figure_id), lang),
        # "OCDE, Youth Policy Toolkit…, 2023": a figure's source and year, for a sentence.
        "figure_source": lambda figure_id: source_and_year(
            impact, impact.figure(figure_id), lang
        ),
        "figure_label": lambda figure_id: impact.figure(figure_id).label[lang],
        "figure_breakdown": lambda figure_id: breakdown_text(
            impact.figure(figure_id), branches, lang
        ),
        "figure_cards": figure_cards,
        "impact_charts": lambda: "\n".join(render_chart(c, impact, lang) for c in impact.charts),
        "cta": lambda kind, secondary=False, branch=None: cta_html(kind, lang, secondary, branch),
        "apply_url": lambda kind: apply_url(kind, lang),
        "sessions_link": sessions_link,
        "branch_list": branch_list,
        "branch_count": lambda: len(branches.branches),
        "country_count": lambda: len(branches.countries),
        "branch_list_source": lambda: (
            f"{branches.listing.source[lang]}, {branches.listing.year}"
        ),
        "founded": lambda: min(b.opened for b in branches.branches),
        # The mentor's age, always in the words of data/programme.yml: "50 ans ou plus".
        "mentor_age": lambda: programme.eligibility.mentor.says(lang),
        "mentee_min_age": lambda c: programme.eligibility.mentee[c].min_age,
        "mentee_max_age": lambda c: programme.eligibility.mentee[c].max_age,
        "mentee_conditions": lambda: mentee_conditions_markdown(programme, branches, lang),
        "mentoring_languages": lambda: mentoring_languages_text(programme, lang),
        "call_back": lambda: call_back_text(programme, lang),
        "retention_months": lambda: programme.privacy.retention_months,
        "privacy_version": lambda: programme.privacy.version,
        "head_office_contact": lambda: contact_html(branches.head_office(None), lang),
        "head_office_city": lambda: branches.head_office(None).name[lang],
        "country_contacts": lambda: country_contacts(branches, lang),
        "branch_contact": lambda branch_id: contact_html(branches.get(branch_id), lang),
    }


CALL = re.compile(r"\{\{(.*?)\}\}", re.S)
# One environment for the whole build: an expression used on many pages is compiled once.
JINJA = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


@functools.cache
def _compiled(expression: str) -> Callable[..., Any]:
    return JINJA.compile_expression(expression, undefined_to_none=False)


def render_macros(markdown: str, page, data: SiteData) -> str:
    """The page's Markdown with each `{{ … }}` replaced by its value."""
    if "{{" not in markdown:
        return markdown
    scope = macros_for(page, data)
    src = page.file.src_uri if page else "?"

    def value(match: re.Match[str]) -> str:
        expression = match.group(1).strip()
        try:
            result = _compiled(expression)(**scope)
            if isinstance(result, jinja2.Undefined):
                str(result)  # raises: the name is unknown
        except Exception as exc:
            raise PluginError(
                f"{src}: the macro call {{{{ {expression} }}}} failed: "
                f"{type(exc).__name__}: {exc}"
            ) from None
        return str(result)

    return CALL.sub(value, markdown)


def on_page_markdown(markdown: str, page, config, files) -> str:
    return render_macros(markdown, page, load_default())
