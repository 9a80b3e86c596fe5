"""Build the static site into a directory of the test's choosing, and list what it holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
LANGUAGES = ("fr", "nl", "en")
DEFAULT_LANGUAGE = "fr"
# The address the site is built for (mkdocs.yml reads SITE_URL): every absolute URL uses it.
SITE_URL = "http://127.0.0.1:8000/"


def build_site(
    dest: Path, project: Path = PROJECT, site_url: str = SITE_URL
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build --strict` of `project` into `dest`, in a fresh process (hooks keep state)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": site_url}
    mkdocs = Path(sys.executable).with_name("mkdocs")
    return subprocess.run(
        [str(mkdocs), "build", "--strict", "--quiet", "-f", str(project / "mkdocs.yml"),
         "-d", str(dest)],
        cwd=project, env=env, capture_output=True, text=True, timeout=120,
    )


def language_of(rel: str) -> str:
    """The language of a built file from its path: nl/…, en/…, else the default."""
    first = rel.split("/", 1)[0]
    return first if first in LANGUAGES and first != DEFAULT_LANGUAGE else DEFAULT_LANGUAGE


def html_pages(site_dir: Path) -> list[str]:
    """Every built HTML file, relative to the site root, 404 pages included."""
    skip = ("assets/", "search/")
    return sorted(
        p.relative_to(site_dir).as_posix()
        for p in site_dir.rglob("*.html")
        if not p.relative_to(site_dir).as_posix().startswith(skip)
    )


def url_of(rel: str) -> str:
    """The URL path a built file answers at: 'nl/impact/index.html' → '/nl/impact/'."""
    return "/" + rel.removesuffix("index.html")


def built_site_or_fail(tmp_path_factory, site_url: str = SITE_URL) -> Path:
    """Build into a fresh temporary directory; a failed build fails the test with its log."""
    import pytest

    dest = tmp_path_factory.mktemp("site") / "site"
    result = build_site(dest, site_url=site_url)
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}")
    return dest


def expected_pages(project: Path = PROJECT) -> list[str]:
    """Every HTML file the build should write, from docs/ and data/ (known before building)."""
    from sitedata import load

    pages = []
    for lang in LANGUAGES:
        prefix = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
        for md in (project / "docs" / lang).rglob("*.md"):
            rel = md.relative_to(project / "docs" / lang).with_suffix("").as_posix()
            if rel == "index" or rel.endswith("/index"):
                rel = rel.removesuffix("index")
            else:
                rel += "/"
            pages.append(f"{prefix}{rel}index.html")
        branches = load(project / "data").branches.branches
        pages += [f"{prefix}branches/{b.id}/index.html" for b in branches]
        pages.append(f"{prefix}404.html")
    return sorted(pages)
