"""The production setup on loopback: Debian's nginx with deploy/nginx.conf.template serves the
built site and proxies the forms to gunicorn running deploy/gunicorn.conf.py.

A missing nginx fails the run (never a skip), like every other prerequisite.
"""

from __future__ import annotations

import gzip
import re
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_support import fill_in
from localservers import free_port, gunicorn_service, nginx, require_nginx
from sitebuild import built_site_or_fail


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    require_nginx()
    root = tmp_path_factory.mktemp("production")
    nginx_port = free_port()
    base = f"http://127.0.0.1:{nginx_port}"
    site = built_site_or_fail(tmp_path_factory, site_url=f"{base}/")
    database = root / "forms.sqlite3"
    config = {"FLASK_DATABASE_URL": f"sqlite:///{database}",
              "FLASK_SECRET_KEY": "production-test", "FLASK_SITE_DIR": str(site)}
    with gunicorn_service(root, config) as app, nginx(root, site, app.port, nginx_port):
        yield {"base": base, "database": database, "root": root, "app_log": app.log}


def fetch(url: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_nginx_serves_a_site_page_gzipped_with_a_strict_csp(production) -> None:
    status, headers, body = fetch(f"{production['base']}/nl/", **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    page = gzip.decompress(body).decode()
    assert '<html lang="nl"' in page and 'href="/nl/apply/mentor/"' in page
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Server"] == "nginx"  # no version


@pytest.mark.parametrize(
    ("path", "lang", "text"),
    [("/nl/bestaat-niet/", "nl", "Pagina niet gevonden"), ("/niet/", "fr", "Page introuvable")],
)
def test_a_missing_page_is_the_404_of_its_language(production, path, lang, text) -> None:
    status, _, body = fetch(production["base"] + path)
    page = body.decode()
    assert status == 404
    assert f'<html lang="{lang}"' in page and text in page


def test_a_person_goes_from_the_site_to_the_form_and_the_thank_you_page_through_nginx(
    production, browser
) -> None:
    from sqlalchemy import create_engine, text

    base = production["base"]
    context = browser.new_context(locale="nl-BE")
    page = context.new_page()
    try:
        responses: list = []
        page.on("response", lambda response: responses.append(response))
        page.goto(f"{base}/nl/")
        page.locator('a[href="/nl/apply/mentor/"]').first.click()
        page.wait_for_url(f"{base}/nl/apply/mentor/")
        assert page.locator("html").get_attribute("lang") == "nl"
        fill_in(page, "mentor", first_name="Griet", last_name="Van den Broeck",
                email="griet@example.org", postcode="9000", sector="Boekhouding")
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(rf"^{base}/nl/apply/mentor/thanks/DUO-[A-Z0-9]{{6}}/$"))
        body = page.inner_text("main")
        assert "Bedankt, we hebben je inschrijving ontvangen" in body
        assert "Gent" in body
        reference = re.search(r"DUO-[A-Z0-9]{6}", page.url).group(0)
        # Every response came through nginx, and the form's stylesheet loaded.
        assert all(r.headers.get("server") == "nginx" for r in responses)
        assert any("/forms-static/" in r.url and r.status == 200 for r in responses)
    finally:
        context.close()

    engine = create_engine(f"sqlite:///{production['database']}")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT a.branch_id, count(m.id) FROM application a "
                 "JOIN outbox_message m ON m.application_id = a.id "
                 "WHERE a.reference = :r GROUP BY a.branch_id"), {"r": reference}
        ).all()
    engine.dispose()
    assert rows == [("ghent", 2)]
    # gunicorn logged the proxied requests: no query string, no body.
    log = Path(production["app_log"]).read_text()
    assert '"POST /nl/apply/mentor/" 303' in log and "griet@example.org" not in log
