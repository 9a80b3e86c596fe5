"""The rule that moves /fr/<page> to /<page> (French pages have no prefix), and only that."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitedata.urls import french_redirect, site_page_exists

# The pages of a small built site, as site_page_exists sees them.
PAGES = {"", "impact/", "branches/ghent/", "404/"}


def exists(rel: str) -> bool:
    return rel in PAGES


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/fr/impact/", "/impact/"),
        ("/fr/impact", "/impact/"),
        ("/fr/branches/ghent/", "/branches/ghent/"),
        ("/fr/", "/"),
        ("/fr", "/"),
        ("/fr//impact//", "/impact/"),
    ],
)
def test_a_french_site_page_under_fr_is_moved_to_the_page_without_the_prefix(path, target):
    assert french_redirect(path, exists) == target


@pytest.mark.parametrize(
    "path",
    [
        "/fr/apply/mentor/",  # the service's own French URLs
        "/fr/apply/mentor/thanks/DUO-ABC123/",
        "/fr/sessions/",
        "/fr/staff/",
        "/fr/no-such-page/",
        "/fr/nl/impact/",  # not a French page
        "/fr/en/",
        "/fr/../etc/passwd",
        "/fr/./impact/",
        "/impact/",
        "/nl/impact/",
        "/fresh/",
        "/",
    ],
)
def test_anything_else_is_left_alone(path):
    assert french_redirect(path, exists) is None


def test_site_page_exists_reads_the_built_site(tmp_path: Path):
    for rel in ("", "impact/", "nl/impact/"):
        (tmp_path / rel).mkdir(parents=True, exist_ok=True)
        (tmp_path / rel / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "duo.css").write_text("", encoding="utf-8")
    page_exists = site_page_exists(tmp_path)
    assert page_exists("") and page_exists("impact/")
    assert not page_exists("apply/mentor/")
    assert not page_exists("assets/")  # a folder without a page
    assert not page_exists("../")
    assert french_redirect("/fr/impact/", page_exists) == "/impact/"
    assert french_redirect("/fr/assets/duo.css", page_exists) is None
    assert french_redirect("/fr/apply/mentor/", page_exists) is None
