"""Per-language outputs that mkdocs-static-i18n writes once for all languages:
search index, 404 page and sitemap. They are split or written after the last language build.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from xml.sax.saxutils import escape

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from overrides.hooks.head import alternates  # noqa: E402
from sitedata.urls import LANGUAGES, page_path, split_language  # noqa: E402

_page_paths: set[str] = set()  # language-neutral paths of every page built (for the sitemap)
_not_found: dict[str, str] = {}  # language -> rendered 404 page
_not_found_body: dict[str, str] = {}  # language -> HTML of docs/<lang>/404.md


def _is_outermost_build_done(config: MkDocsConfig) -> bool:
    """i18n builds the other languages inside the first build's on_post_build."""
    i18n = config.plugins.get("i18n")
    return not getattr(i18n, "building", False)


_RELATIVE_REF = re.compile(r'(href|src)="(?![a-z][a-z0-9+.-]*:|/|#)([^"]*)"')


def absolute_refs(html: str, page_path: str) -> str:
    """Make relative links absolute: the 404 page is served at any depth."""
    return _RELATIVE_REF.sub(lambda m: f'{m[1]}="{urljoin(page_path, m[2])}"', html)


def on_page_content(html: str, page, config: MkDocsConfig, files) -> str:
    lang, path = split_language(page.url)
    if path.rstrip("/") == "404":
        site_path = urlsplit(config.site_url).path or "/"
        _not_found_body[lang] = absolute_refs(html, site_path.rstrip("/") + "/" + page.url)
    else:
        _page_paths.add(path)
    return html


def on_template_context(context: dict, template_name: str, config: MkDocsConfig) -> dict:
    """Give the theme's 404.html the translated text of docs/<lang>/404.md."""
    if template_name == "404.html":
        lang = config.theme["language"]
        context["duo_not_found_body"] = _not_found_body.get(lang, "")
        context["duo_lang"] = lang
        # The language selector would still point at the last page built: send it home.
        i18n = config.plugins.get("i18n")
        if getattr(i18n, "extra_alternate", None):
            # (i18n sets it as an attribute, which Jinja reads before the item)
            config.extra.alternate = copy.deepcopy(i18n.extra_alternate)
    return context


def on_post_template(output: str, template_name: str, config: MkDocsConfig) -> str:
    if template_name == "404.html":
        _not_found[config.theme["language"]] = output
    return output


def split_search_index(site_dir: Path) -> None:
    """One index per language, so search only finds pages in the language being read."""
    index_path = site_dir / "search" / "search_index.json"
    index = json.loads(index_path.read_text(encoding="utf-8"))
    for lang in LANGUAGES:
        docs = []
        for doc in index["docs"]:
            doc_lang, rest = split_language(doc["location"])
            if doc_lang == lang and not rest.startswith("404/"):
                docs.append({**doc, "location": rest})
        out = {"config": {**index["config"], "lang": [lang]}, "docs": docs}
        target = site_dir / page_path(lang, "search")
        target.mkdir(parents=True, exist_ok=True)
        (target / "search_index.json").write_text(
            json.dumps(out, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )


def sitemap_xml(site_url: str, paths: set[str]) -> str:
    """Every page in every language, with absolute hreflang alternates and x-default."""
    rows = []
    for path in sorted(paths):
        links = alternates(site_url, path)
        alt = "".join(
            f'<xhtml:link rel="alternate" hreflang="{a["hreflang"]}" href="{escape(a["href"])}"/>'
            for a in links
        )
        for link in links[:-1]:
            rows.append(f"<url><loc>{escape(link['href'])}</loc>{alt}</url>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n' + "\n".join(rows) + "\n</urlset>\n"
    )


@event_priority(-200)
def on_post_build(config: MkDocsConfig) -> None:
    if not _is_outermost_build_done(config):
        return
    site_dir = Path(config.site_dir)
    split_search_index(site_dir)
    for lang, html in _not_found.items():
        target = site_dir / page_path(lang, "404.html")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html, encoding="utf-8")
    (site_dir / "sitemap.xml").write_text(sitemap_xml(config.site_url, _page_paths), "utf-8")
    for stale in (site_dir / "sitemap.xml.gz",):
        stale.unlink(missing_ok=True)
