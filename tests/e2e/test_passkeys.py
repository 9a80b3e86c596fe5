"""Passkeys in Chromium with a virtual authenticator (the DevTools WebAuthn domain): a
coordinator adds one, signs out, and signs in with the password and the passkey instead of a
code. The pages run under the service's CSP (no inline script)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator

import pyotp
import pytest
from localservers import free_port
from staff_support import PASSWORD, add_staff
from werkzeug.serving import make_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    from forms_service import create_app
    from forms_service.db import upgrade

    db = tmp_path_factory.mktemp("passkeys") / "forms.sqlite3"
    app = create_app({
        "SITE_DIR": "/nonexistent", "DATABASE_URL": f"sqlite:///{db}",
        "SECRET_KEY": "passkey-secret", "MAIL_SERVER": None, "RATELIMIT_ENABLED": False,
        "PROXY_HOPS": 0,
    })
    upgrade(app)
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        # A passkey's relying party is a domain name: "localhost", not an IP address.
        yield f"http://localhost:{server.server_port}", app
    finally:
        server.shutdown()
        thread.join(timeout=5)


def test_a_coordinator_signs_in_with_a_passkey_instead_of_a_code(browser, workspace):
    base, app = workspace
    link = add_staff(app, "pass@example.org", "coordinator", "--branch", "ghent", "--lang", "en")
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True,
        "hasUserVerification": True, "isUserVerified": True,
    }})
    try:
        path = "/" + link.split("://", 1)[1].split("/", 1)[1]
        page.goto(base + path)
        page.fill("#password", PASSWORD)
        page.fill("#password_confirm", PASSWORD)
        page.click("[type=submit]")
        page.fill("#email", "pass@example.org")
        page.fill("#password", PASSWORD)
        page.click("#submit")
        page.click("form[name=two_factor_setup_form] button")  # show the key to scan
        totp = pyotp.TOTP(re.sub(r"[ -]", "", page.inner_text("#authr-key")))
        page.fill("#code", totp.now())
        page.click("form[name=two_factor_verify_code_form] [type=submit]")
        page.wait_for_url(re.compile(r"/staff/$"))
        # Add a passkey from "My account".
        page.click("text=My account")
        page.click("text=My passkeys (optional)")
        page.fill("#name", "This computer")
        page.click("#wan-register-form button")
        page.wait_for_selector("text=This computer –")
        assert "This computer" in page.inner_text("main")
        # Sign out, then in with the password and the passkey (no code typed).
        page.click("text=Sign out")
        page.goto(base + "/staff/login")
        page.fill("#email", "pass@example.org")
        page.fill("#password", PASSWORD)
        page.click("#submit")
        if "tf-select" in page.url:
            page.check("input[value='webauthn']")
            page.click("[type=submit]")
        elif "tf-validate" in page.url:
            page.click("text=passkey")
        page.click("button:has-text('Use my passkey')")
        page.wait_for_url(re.compile(r"/staff/$"))
        assert page.locator("h1").inner_text() == "Applications"
        assert not [e for e in errors if "Content Security Policy" in e], errors
    finally:
        context.close()
