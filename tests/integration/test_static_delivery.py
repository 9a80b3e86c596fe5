"""The built site as `make serve` sends it: precompressed (Brotli, gzip) and cached by kind.

The site is built and compressed as `make build` does it, then served by the app
(forms_service/web/static_site.py), which `make serve` runs under gunicorn.
"""

from __future__ import annotations

import gzip
import re
import subprocess
import sys
from pathlib import Path

import brotli
import pytest
from apply_support import make_app
from flask.testing import FlaskClient
from sitebuild import PROJECT, built_site_or_fail

pytestmark = pytest.mark.integration

IMPACT_NL = "/nl/impact/"
STYLESHEET = re.compile(r'<link rel="stylesheet" href="([^"]+)"')
SCRIPT = re.compile(r'<script src="([^"]+)"')
YEAR = "max-age=31536000, immutable"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = built_site_or_fail(tmp_path_factory)
    # What `make build` runs after mkdocs (test_make_build_compresses_the_site checks it).
    subprocess.run([sys.executable, "-m", "whitenoise.compress", "--quiet", str(site)],
                   check=True, timeout=300)
    return site


@pytest.fixture(scope="module")
def client(site: Path, tmp_path_factory: pytest.TempPathFactory) -> FlaskClient:
    db = tmp_path_factory.mktemp("db") / "forms.sqlite3"
    return make_app(f"sqlite:///{db}", SITE_DIR=str(site)).test_client()


def absolute(page_url: str, href: str) -> str:
    """A link of a built page as a path from the site root ('../assets/x' from /nl/impact/)."""
    parts = page_url.strip("/").split("/") if page_url.strip("/") else []
    for segment in href.split("/"):
        if segment == "..":
            parts.pop()
        elif segment not in ("", "."):
            parts.append(segment)
    return "/" + "/".join(parts)


def linked(client: FlaskClient, page_url: str, pattern: re.Pattern[str]) -> list[str]:
    page = client.get(page_url, headers={"Accept-Encoding": "identity"})
    assert page.status_code == 200
    return [absolute(page_url, href.split("?")[0]) for href in pattern.findall(page.text)]


def on_disk(site: Path, url: str) -> bytes:
    path = site / url.lstrip("/")
    return (path / "index.html" if url.endswith("/") else path).read_bytes()


def test_make_build_compresses_the_site_after_building_it() -> None:
    plan = subprocess.run(["make", "-n", "build"], cwd=PROJECT, capture_output=True,
                          text=True, check=True).stdout.splitlines()
    mkdocs = next(i for i, line in enumerate(plan) if "mkdocs build" in line)
    compress = next(i for i, line in enumerate(plan) if "-m whitenoise.compress" in line)
    assert compress > mkdocs
    assert plan[compress].split()[-1] == "site"


def test_the_dutch_impact_page_is_sent_in_brotli_to_a_browser_that_accepts_it(
    client: FlaskClient, site: Path
) -> None:
    response = client.get(IMPACT_NL, headers={"Accept-Encoding": "gzip, deflate, br, zstd"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert response.headers["Content-Type"].startswith("text/html")
    body = response.get_data()
    assert brotli.decompress(body) == on_disk(site, IMPACT_NL)
    assert len(body) < len(on_disk(site, IMPACT_NL)) / 3


def test_the_dutch_impact_pages_stylesheets_are_sent_in_brotli(
    client: FlaskClient, site: Path
) -> None:
    sheets = linked(client, IMPACT_NL, STYLESHEET)
    assert any(re.search(r"/main\.[0-9a-f]{8}\.min\.css$", s) for s in sheets), sheets
    for url in sheets:
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.status_code == 200, url
        assert response.headers["Content-Encoding"] == "br", url
        assert brotli.decompress(response.get_data()) == on_disk(site, url)


def test_a_browser_without_brotli_gets_gzip_and_one_without_either_the_plain_file(
    client: FlaskClient, site: Path
) -> None:
    zipped = client.get(IMPACT_NL, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.get_data()) == on_disk(site, IMPACT_NL)
    plain = client.get(IMPACT_NL, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data() == on_disk(site, IMPACT_NL)


def test_materials_hashed_assets_are_kept_for_a_year(client: FlaskClient) -> None:
    hashed = [u for u in linked(client, IMPACT_NL, STYLESHEET) + linked(client, IMPACT_NL, SCRIPT)
              if re.search(r"\.[0-9a-f]{8}\.min\.(css|js)$", u)]
    assert any(u.endswith(".css") for u in hashed) and any(u.endswith(".js") for u in hashed)
    for url in hashed:
        response = client.get(url, headers={"Accept-Encoding": "br"})
        assert response.headers["Cache-Control"] == YEAR, url


@pytest.mark.parametrize("url", ["/", IMPACT_NL, "/en/impact/", "/nl/branches/brussels/"])
def test_pages_are_checked_again_on_every_visit(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept-Encoding": "br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    # Unchanged since the last visit: 304, nothing sent again.
    again = client.get(url, headers={"Accept-Encoding": "br",
                                     "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_sites_own_unhashed_files_are_not_kept_for_long(client: FlaskClient) -> None:
    own = [u for u in linked(client, IMPACT_NL, STYLESHEET) + linked(client, IMPACT_NL, SCRIPT)
           if not re.search(r"\.[0-9a-f]{8}\.min\.(css|js)$", u)]
    assert own, "the site has a stylesheet or script of its own"
    for url in own:
        cache = client.get(url).headers["Cache-Control"]
        assert "immutable" not in cache and "31536000" not in cache, (url, cache)
