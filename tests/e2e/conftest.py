"""Browser tests: the built site (and the service) behind a real HTTP server, driven by
Debian's Chromium through Playwright. A missing prerequisite fails; it never skips."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from localservers import free_port
from sitebuild import PROJECT, built_site_or_fail
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
AXE = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
# Playwright must use Debian's Chromium, never download its own.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.path):
            item.add_marker(pytest.mark.e2e)


def require(path: Path, what: str, fix: str) -> None:
    """Fail, with how to fix it, when a prerequisite is missing (also outside CI)."""
    if not path.is_file():
        where = "in CI" if os.environ.get("CI") == "true" else "on this machine"
        pytest.fail(f"{what} is missing {where} ({path}). {fix}", pytrace=False)


@pytest.fixture(scope="session")
def server_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, server_port: int) -> Path:
    """The static site, built once per session in strict mode for the test server's address
    (so its absolute hreflang and offer links stay on the test server)."""
    return built_site_or_fail(tmp_path_factory, site_url=f"http://127.0.0.1:{server_port}/")


@pytest.fixture(scope="session")
def base_url(
    built_site: Path, server_port: int, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The site and the service on one port, as `make serve` runs them (SQLite, no SMTP)."""
    from forms_service import create_app
    from forms_service.db import upgrade

    db = tmp_path_factory.mktemp("db") / "forms.sqlite3"
    app = create_app({
        "SITE_DIR": str(built_site), "DATABASE_URL": f"sqlite:///{db}",
        "SECRET_KEY": "e2e-secret", "MAIL_SERVER": None, "RATELIMIT_ENABLED": False,
    })
    upgrade(app)
    server = make_server("127.0.0.1", server_port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    require(CHROMIUM, "Chromium", "Install Debian's chromium package (make test does it).")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    try:
        yield browser
    finally:
        browser.close()
        playwright.stop()


@pytest.fixture
def context(browser) -> Iterator:
    """A fresh browser profile (no localStorage) in French, 1280 px wide."""
    context = browser.new_context(locale="fr-BE", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture(scope="session")
def axe_script() -> Path:
    require(AXE, "axe-core", "Run `npm ci` in the project (make test does it).")
    return AXE
