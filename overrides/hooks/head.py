"""What Material and mkdocs-static-i18n leave out of <head>: absolute hreflang alternates
with x-default, Open Graph tags, and a per-language search base. Read by overrides/main.html.
"""

from __future__ import annotations

import sys
from pathlib import Path

import material
from mkdocs.config.defaults import MkDocsConfig

# MkDocs loads hooks by path; make the project's packages importable beside them.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sitedata.urls import DEFAULT_LANGUAGE, LANGUAGES, page_path, split_language  # noqa: E402

OG_LOCALES = {"fr": "fr_BE", "nl": "nl_BE", "en": "en_GB"}
# Material's search worker has a hashed name; main.html needs it to rewrite the search base.
SEARCH_WORKER = next(
    Path(material.__file__).parent.glob("templates/assets/javascripts/workers/search.*.min.js")
).relative_to(Path(material.__file__).parent / "templates").as_posix()


def absolute_url(site_url: str, lang: str, path: str) -> str:
    return site_url.rstrip("/") + "/" + page_path(lang, path)


def alternates(site_url: str, url: str) -> list[dict[str, str]]:
    """Every language's absolute URL of the page at `url`, then x-default (the default's)."""
    _, path = split_language(url)
    links = [{"hreflang": lang, "href": absolute_url(site_url, lang, path)} for lang in LANGUAGES]
    links.append({"hreflang": "x-default", "href": absolute_url(site_url, DEFAULT_LANGUAGE, path)})
    return links


def on_page_context(context: dict, page, config: MkDocsConfig, nav) -> dict:
    lang, _ = split_language(page.url)
    context["duo_lang"] = lang
    context["duo_lang_prefix"] = page_path(lang)  # "" for the default language, else "nl/"
    context["duo_search_worker"] = SEARCH_WORKER
    context["duo_alternates"] = alternates(config.site_url, page.url)
    context["duo_canonical"] = absolute_url(config.site_url, lang, split_language(page.url)[1])
    context["duo_og_locale"] = OG_LOCALES[lang]
    context["duo_og_locale_alternates"] = [OG_LOCALES[o] for o in LANGUAGES if o != lang]
    return context


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    """Static templates (404.html) have no page: give them the language and search worker."""
    context.setdefault("duo_lang", config.theme["language"])
    context["duo_lang_prefix"] = page_path(context["duo_lang"])
    context["duo_search_worker"] = SEARCH_WORKER
    return context
