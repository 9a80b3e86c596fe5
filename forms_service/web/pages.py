"""What every page of the service knows: where the site's pages are, its sections (the
header links back to them, as the site's navigation has them), the language names, the
registry of kinds and the call-back promise."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l

from forms_service.kinds import KINDS, call_back_days
from forms_service.mail.inboxes import inbox_of
from forms_service.mail.render import receiving_office
from sitedata import load_default
from sitedata.models import Branch
from sitedata.urls import LANGUAGES, page_url

LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
SITE_HOME = {lang: page_url(lang) for lang in LANGUAGES}
PRIVACY = {lang: page_url(lang, "privacy/") for lang in LANGUAGES}
# The organisation's name as the site's footer shows it (mkdocs.yml, copyright).
COPYRIGHT = "DUO for a JOB asbl/vzw"


@dataclass(frozen=True)
class Link:
    title: object  # a lazy translated string
    path: str

    def url(self, lang: str) -> str:
        return page_url(lang, self.path)


# The site's main sections (mkdocs.yml `nav`), each opening on its first page, as the
# site's navigation tabs would: a test keeps the two lists the same.
SECTIONS = (
    Link(_l("The programme"), "how-it-works/"),
    Link(_l("Get involved"), "mentor/"),
    Link(_l("Help"), "faq/"),
)
FOOTER_LINKS = (
    Link(_l("Frequently asked questions"), "faq/"),
    Link(_l("Contact"), "contact/"),
    Link(_l("Privacy notice"), "privacy/"),
)


def branch_contact(branch: Branch) -> tuple[Branch, str]:
    """The office that reads the branch's e-mail, and its address (a branch without an
    inbox of its own is read by its country's head office, or the organisation's)."""
    site = load_default()
    return receiving_office(site, branch), inbox_of(site.branches, branch)


def page_context() -> dict[str, object]:
    return {
        "site_home": SITE_HOME,
        "privacy": PRIVACY,
        "sections": SECTIONS,
        "footer_links": FOOTER_LINKS,
        "copyright": COPYRIGHT,
        "language_names": LANGUAGE_NAMES,
        "kinds": KINDS,
        "call_back_days": call_back_days,
        "branch_contact": branch_contact,
    }


def init_app(app: Flask) -> None:
    app.context_processor(page_context)
