"""What every page of the service knows: where the site's pages are, the language names,
and the registry of kinds (titles, introductions, names)."""

from __future__ import annotations

from flask import Flask

from forms_service.kinds import KINDS
from sitedata.urls import LANGUAGES, page_url

LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}
SITE_HOME = {lang: page_url(lang) for lang in LANGUAGES}
PRIVACY = {lang: page_url(lang, "privacy/") for lang in LANGUAGES}


def page_context() -> dict[str, object]:
    return {
        "site_home": SITE_HOME,
        "privacy": PRIVACY,
        "language_names": LANGUAGE_NAMES,
        "kinds": KINDS,
    }


def init_app(app: Flask) -> None:
    app.context_processor(page_context)
