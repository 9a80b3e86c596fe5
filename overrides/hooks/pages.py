"""Build-time checks and generated pages.

- Every language has the same set of pages, or the build fails (no silent fallback).
- The data files are valid, or the build fails with the file, entry and field.
- Every French page has a narrow no-break space before ; : ! ? and inside « », or the build
  fails naming the page and the spot.
- One page per branch and language is generated from data/branches.yml.
"""

from __future__ import annotations

import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from overrides.hooks.branch_page import branch_markdown  # noqa: E402
from overrides.hooks.typography import (  # noqa: E402
    fix_french_spacing,
    french_spacing_errors,
    visible_text,
)
from sitedata import DataError, load_default  # noqa: E402
from sitedata.models import Branch, SiteData  # noqa: E402
from sitedata.urls import DEFAULT_LANGUAGE, LANGUAGES, page_path, split_language  # noqa: E402


def missing_pages(docs_dir: Path, languages: tuple[str, ...] = LANGUAGES) -> dict[str, list[str]]:
    """Pages that exist in some language but not in `lang`, per language."""
    sets = {
        lang: {p.relative_to(docs_dir / lang).as_posix() for p in (docs_dir / lang).rglob("*.md")}
        for lang in languages
    }
    every = set().union(*sets.values())
    return {lang: sorted(every - pages) for lang, pages in sets.items() if every - pages}


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    missing = missing_pages(Path(config.docs_dir))
    if missing:
        lines = [f"  {lang}: {', '.join(pages)}" for lang, pages in missing.items()]
        raise PluginError("Pages missing a translation:\n" + "\n".join(lines))
    try:
        load_default()
    except DataError as exc:
        raise PluginError(str(exc)) from None
    return config


class SharedBytecode(jinja2.BytecodeCache):
    """Compiled templates, kept in memory for the whole build. mkdocs-static-i18n builds each
    language with a new Jinja environment, which would compile every Material template again
    (a third of a plain build's time); Jinja reuses the code only for the same source (its
    checksum is stored with it)."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = SharedBytecode()


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    env.bytecode_cache = COMPILED_TEMPLATES
    return env


def current_language(config: MkDocsConfig) -> str:
    i18n = config.plugins.get("i18n")
    return getattr(i18n, "current_language", None) or DEFAULT_LANGUAGE


def branch_file(branch: Branch, site: SiteData, lang: str, config: MkDocsConfig) -> File:
    """A generated Markdown page for one branch, placed as the i18n plugin places pages."""
    url = page_path(lang, f"branches/{branch.id}/")
    dest = url + "index.html"
    file = File.generated(
        config, f"{lang}/branches/{branch.id}.md", content=branch_markdown(branch, site, lang)
    )
    file.dest_uri = dest
    file.url = url
    file.abs_dest_path = str(Path(config.site_dir) / dest)
    # What mkdocs-static-i18n sets on the files it handles (language switcher, nav).
    file.locale = file.localization = file.locale_alternate_of = lang
    file.alternates = {}
    return file


# After the i18n plugin (-100) has kept only the current language's pages.
@event_priority(-110)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    lang = current_language(config)
    site = load_default()
    for branch in site.branches.branches:
        file = branch_file(branch, site, lang, config)
        for other in LANGUAGES:
            alt = File.generated(config, f"{other}/branches/{branch.id}.md", content="")
            alt.url = page_path(other, f"branches/{branch.id}/")
            file.alternates[other] = alt
        files.append(file)
    return files


def _respace_toc(items) -> None:  # type: ignore[no-untyped-def]
    for item in items:
        item.title = fix_french_spacing(item.title)
        _respace_toc(item.children)


def _fail_on_spacing(page, text: str) -> None:  # type: ignore[no-untyped-def]
    errors = french_spacing_errors(text)
    if errors:
        lines = "\n".join(f"  {e}" for e in errors[:20])
        raise PluginError(
            f"{page.file.src_uri}: French spacing needs a narrow no-break space (U+202F), "
            f"see overrides/hooks/typography.py:\n{lines}"
        )


def _description(page, config: MkDocsConfig) -> str:  # type: ignore[no-untyped-def]
    return (page.meta or {}).get("description") or config.site_description or ""


def on_page_content(html: str, page, config: MkDocsConfig, files: Files) -> str:
    """French pages: what a reader sees of the page's own text (its content, title and
    description) follows French spacing (U+202F before ; : ! ?). Python-Markdown folds a
    heading's U+202F into a plain space in the table of contents: put it back."""
    if split_language(page.url)[0] == "fr":
        _respace_toc(page.toc)
        own = [str(page.title or ""), _description(page, config), visible_text(html)]
        _fail_on_spacing(page, "\n".join(own))
    return html


# The templates whose French frame (header, navigation, footer) this build has checked.
FRAMES_CHECKED: set[str] = set()


def on_pre_build(config: MkDocsConfig) -> None:
    FRAMES_CHECKED.clear()


def on_post_page(output: str, page, config: MkDocsConfig) -> str:
    """The frame around the content is the same on every French page of one template:
    the whole page is read once per template and build (an HTML parse of each full page
    was most of this check's time)."""
    if split_language(page.url)[0] == "fr":
        template = (page.meta or {}).get("template") or (
            "404.html" if page.file.src_uri.endswith("404.md") else "main.html"
        )
        if template not in FRAMES_CHECKED:
            _fail_on_spacing(page, visible_text(output))
            FRAMES_CHECKED.add(template)
    return output
