"""Where a page lives in each language. The one place that knows French has no URL prefix."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("fr", "nl", "en")
DEFAULT_LANGUAGE = "fr"


def page_path(lang: str, path: str = "") -> str:
    """The site-relative path of `path` in `lang`: ('nl', 'impact/') -> 'nl/impact/'.

    French, the default language, has no prefix: ('fr', 'impact/') -> 'impact/'.
    """
    path = path.lstrip("/")
    return path if lang == DEFAULT_LANGUAGE else f"{lang}/{path}"


def page_url(lang: str, path: str = "") -> str:
    """The absolute path of a page: ('fr', '') -> '/', ('en', 'privacy/') -> '/en/privacy/'."""
    return "/" + page_path(lang, path)


def split_language(path: str) -> tuple[str, str]:
    """The inverse of page_path: 'nl/impact/' -> ('nl', 'impact/'), 'impact/' -> ('fr', 'impact/').

    A leading slash is accepted and dropped. 'fr/…' is French with 'fr/' as part of the path,
    since French pages have no prefix.
    """
    path = path.lstrip("/")
    first, _, rest = path.partition("/")
    if first in LANGUAGES and first != DEFAULT_LANGUAGE:
        return first, rest
    return DEFAULT_LANGUAGE, path


def language_of_path(path: str) -> str:
    """The site language a URL path belongs to: its prefix, else the default.

    The service's own URLs all carry a prefix (/fr/apply/…), so '/fr/…' counts as French too.
    """
    first = path.lstrip("/").split("/", 1)[0]
    return first if first in LANGUAGES else DEFAULT_LANGUAGE
