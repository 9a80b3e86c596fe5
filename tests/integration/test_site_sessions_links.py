"""The static site leads to the service's information sessions: step 1 of "how it works"
links to the list, each branch page to its own sessions, in the page's language."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitebuild import built_site_or_fail

from sitedata import load_default
from sitedata.urls import page_path

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return built_site_or_fail(tmp_path_factory)


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_how_it_works_step_one_links_to_the_sessions_list(site, lang):
    html = (site / page_path(lang, "how-it-works/index.html")).read_text()
    step_one = html[html.index('id="info-session"'):html.index('id="interview"')]
    assert f'href="/{lang}/sessions/"' in step_one


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_every_branch_page_links_to_its_own_sessions(site, lang):
    for branch in load_default().branches.branches:
        html = (site / page_path(lang, f"branches/{branch.id}/index.html")).read_text()
        assert f'href="/{lang}/sessions/?branch={branch.id}"' in html, branch.id


def test_the_privacy_notice_speaks_of_sessions_and_of_what_staff_see(site):
    words = {"fr": ("séance d'information", "coordinateurs et coordinatrices"),
             "nl": ("infosessie", "coördinatoren"),
             "en": ("information session", "coordinators")}
    for lang, expected in words.items():
        html = (site / page_path(lang, "privacy/index.html")).read_text()
        for word in expected:
            assert word in html, (lang, word)
