"""HTTPS on a port other than 443, as behind a port mapping or on a test machine: nginx with
TLS (a certificate made for the test) in front of gunicorn, and Chromium sending a form.

The audit saw every POST refused ("Your form was open for a long time"): nginx passed the
host without its port, so Flask-WTF's Referer check compared example.org:8443 with
example.org; the same cause put the wrong port in redirects and hreflang links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from apply_support import fill_in
from localservers import HOST, gunicorn_service, nginx, require_nginx


@pytest.fixture(scope="module")
def https_front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_nginx()
    root = tmp_path_factory.mktemp("https")
    site = root / "site"
    (site / "nl").mkdir(parents=True)
    (site / "index.html").write_text('<!doctype html><html lang="fr"><title>DUO</title>')
    (site / "nl" / "index.html").write_text('<!doctype html><html lang="nl"><title>DUO</title>')
    config = {
        "FLASK_DATABASE_URL": f"sqlite:///{root / 'forms.sqlite3'}",
        "FLASK_SECRET_KEY": "https-test", "FLASK_SITE_DIR": "/nonexistent",
        "FLASK_SESSION_COOKIE_SECURE": "true",
    }
    with gunicorn_service(root, config) as app, nginx(root, site, app.port, tls=True) as port:
        assert port not in (443, 80)
        yield f"https://{HOST}:{port}"


@pytest.fixture
def https_page(browser) -> Iterator:
    context = browser.new_context(locale="en-GB", ignore_https_errors=True)
    yield context.new_page()
    context.close()


def test_a_form_sent_over_https_on_another_port_is_received(https_front: str, https_page) -> None:
    page = https_page
    page.goto(f"{https_front}/en/apply/mentor/")
    fill_in(page, "mentor", first_name="Griet", email="griet.https@example.org")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(rf"^{re.escape(https_front)}/en/apply/mentor/thanks/DUO-"))
    assert "Thank you, we have received your application" in page.inner_text("main")


def test_links_and_redirects_keep_the_port(https_front: str, https_page) -> None:
    page = https_page
    page.goto(f"{https_front}/en/apply/partner/")
    alternates = page.eval_on_selector_all(
        'link[rel="alternate"]', "links => links.map(l => l.getAttribute('href'))"
    )
    assert f"{https_front}/nl/apply/partner/" in alternates
    assert all(link.startswith(f"{https_front}/") for link in alternates), alternates

    # The service's redirect (a form's address without its slash) and nginx's own (a folder).
    api = page.context.request
    service = api.get(f"{https_front}/en/apply/partner", max_redirects=0)
    assert service.status in (301, 308)
    assert service.headers["location"] == f"{https_front}/en/apply/partner/"
    folder = api.get(f"{https_front}/nl", max_redirects=0)
    assert folder.status == 301
    assert folder.headers["location"] in ("/nl/", f"{https_front}/nl/")
