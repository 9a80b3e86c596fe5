"""Macros for the pages (mkdocs-macros). Every figure, age and contact comes from data/*.yml.

The language is read from the page being rendered, never from `config.extra`: on i18n
builds mkdocs-macros would otherwise show the previous language's values.
"""

from __future__ import annotations

import posixpath
import sys
from html import escape
from pathlib import Path

# mkdocs-macros loads this file by path; make the project's packages importable beside it.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from overrides.hooks.charts import render_chart  # noqa: E402
from sitedata import load_default  # noqa: E402
from sitedata.formatting import COLON, format_figure  # noqa: E402
from sitedata.models import Branch, Figure  # noqa: E402
from sitedata.urls import language_of_path  # noqa: E402

TEXT: dict[str, dict[str, str]] = {
    "source": {"fr": "Source", "nl": "Bron", "en": "Source"},
    "cta_mentor": {"fr": "Devenir mentor", "nl": "Mentor worden", "en": "Become a mentor"},
    "cta_mentee": {
        "fr": "M'inscrire comme jeune",
        "nl": "Inschrijven als jongere",
        "en": "Sign up as a young person",
    },
    "cta_partner": {"fr": "Devenir partenaire", "nl": "Partner worden", "en": "Become a partner"},
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
}
KINDS = ("mentor", "mentee", "partner", "volunteer")


def page_language(page) -> str:
    """The language of the page being rendered, from its URL (nl/…, en/…, else French)."""
    return language_of_path(page.url if page else "")


def apply_url(kind: str, lang: str, branch: str | None = None) -> str:
    """The service's form for `kind` in `lang` (absolute path: the service shares the host)."""
    if kind not in KINDS:
        raise ValueError(f"unknown application kind {kind!r}; one of {KINDS}")
    url = f"/{lang}/apply/{kind}/"
    return f"{url}?branch={branch}" if branch else url


def cta_html(kind: str, lang: str, secondary: bool = False, branch: str | None = None) -> str:
    style = "md-button" if secondary else "md-button md-button--primary"
    label = TEXT[f"cta_{kind}"][lang]
    return f'<a class="{style} duo-cta" href="{escape(apply_url(kind, lang, branch))}">{label}</a>'


def figure_card(figure: Figure, source_name: str, lang: str) -> str:
    return (
        '<div class="duo-card">'
        f'<p class="duo-card__value">{escape(format_figure(figure, lang))}</p>'
        f'<p class="duo-card__label">{escape(figure.label[lang])}</p>'
        f'<p class="duo-card__source">{TEXT["source"][lang]}{COLON[lang]}{escape(source_name)}, '
        f"{figure.year}</p>"
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


def relative_link(page, target_src_uri: str) -> str:
    """A Markdown link target from the current page to another source file."""
    here = posixpath.dirname(page.file.src_uri) if page else ""
    return posixpath.relpath(target_src_uri, here or ".")


def define_env(env) -> None:
    data = load_default()
    impact, branches, programme = data.impact, data.branches, data.programme

    def lang() -> str:
        return page_language(env.page)

    @env.macro
    def figure(figure_id: str) -> str:
        return format_figure(impact.figure(figure_id), lang())

    @env.macro
    def figure_cards(ids: list[str] | None = None, group: str | None = None) -> str:
        chosen = [impact.figure(i) for i in ids] if ids else [
            f for f in impact.figures if f.group == group
        ]
        if not chosen:
            raise ValueError(f"figure_cards: no figure for ids={ids!r} group={group!r}")
        cards = "".join(figure_card(f, impact.sources[f.source].name, lang()) for f in chosen)
        return f'<div class="duo-cards">{cards}</div>'

    @env.macro
    def impact_charts() -> str:
        return "\n".join(render_chart(c, impact, lang()) for c in impact.charts)

    @env.macro
    def cta(kind: str, secondary: bool = False, branch: str | None = None) -> str:
        return cta_html(kind, lang(), secondary, branch)

    env.macro(lambda kind: apply_url(kind, lang()), "apply_url")

    @env.macro
    def branch_list() -> str:
        out = []
        for code, country in branches.countries.items():
            out.append(f"\n### {country.name[lang()]}\n")
            members = sorted(
                (b for b in branches.branches if b.country == code), key=lambda b: b.name[lang()]
            )
            for b in members:
                link = relative_link(env.page, f"{lang()}/branches/{b.id}.md")
                since = TEXT["since"][lang()].format(b.opened)
                is_office = b.id == branches.organisation_head_office
                office = f" ({TEXT['head_office'][lang()]})" if is_office else ""
                out.append(f"- [{b.name[lang()]}]({link}){office}, {since}")
        return "\n".join(out) + "\n"

    env.macro(lambda: len(branches.branches), "branch_count")
    env.macro(lambda: len(branches.countries), "country_count")
    env.macro(lambda: min(b.opened for b in branches.branches), "founded")
    env.macro(lambda: programme.eligibility.mentor.min_age, "mentor_min_age")
    env.macro(lambda c: programme.eligibility.mentee[c].min_age, "mentee_min_age")
    env.macro(lambda c: programme.eligibility.mentee[c].max_age, "mentee_max_age")
    env.macro(lambda: programme.privacy.retention_months, "retention_months")
    env.macro(lambda: programme.privacy.version, "privacy_version")
    env.macro(lambda: contact_html(branches.head_office(None), lang()), "head_office_contact")
    env.macro(lambda branch_id: contact_html(branches.get(branch_id), lang()), "branch_contact")
