"""Where a page lives in each language. The one place that knows French has no URL prefix."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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


def french_redirect(path: str, page_exists: Callable[[str], bool]) -> str | None:
    """Where `/fr/<page>` is moved for good (301): the same page without the prefix, since
    French pages have none. None when the path is not a site page under `/fr/`.

    `page_exists(rel)` says whether the built site has the page at the site-relative path
    `rel` ('' for the home page, 'impact/' for impact/index.html): the service's own French
    URLs (/fr/apply/…, /fr/sessions/…, /fr/staff/…) are no site pages, so they are never
    redirected. A path with a query string has it cut off by the caller and put back.
    """
    if path not in ("/fr", "/fr/") and not path.startswith("/fr/"):
        return None
    rest = path[len("/fr/"):]
    parts = [p for p in rest.split("/") if p]
    if any(p in (".", "..") for p in parts):
        return None
    if parts and parts[0] in LANGUAGES:
        return None  # /fr/nl/…: not a French page
    rel = "/".join(parts) + "/" if parts else ""
    if not page_exists(rel):
        return None
    return "/" + rel


def site_page_exists(site_dir: Path) -> Callable[[str], bool]:
    """`page_exists` for french_redirect over a built site: a page is a folder holding an
    index.html ('' is the home page)."""
    root = Path(site_dir).resolve()

    def exists(rel: str) -> bool:
        page = (root / rel / "index.html").resolve()
        return page.is_relative_to(root) and page.is_file()

    return exists
