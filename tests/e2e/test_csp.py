"""The service's strict Content-Security-Policy in a real browser: no violation on the form
page (with its error state) and the form still sends."""

from __future__ import annotations

import re

from apply_support import fill_in
from test_apply_flow import THANKS, mentor_answers


def watch_csp(page) -> list[str]:  # type: ignore[no-untyped-def]
    """Chromium reports each blocked resource as a console error ("Refused to …")."""
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(m.text)
        if "Content Security Policy" in m.text or m.text.startswith("Refused") else None,
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def test_an_inline_script_would_be_reported(page, base_url: str) -> None:
    """The watcher sees a violation: an inline script added to the page is refused."""
    problems = watch_csp(page)
    page.goto(f"{base_url}/fr/apply/partner/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("window.ran") is None
    assert any("Content Security Policy" in p for p in problems), problems


def test_the_form_page_has_no_csp_violation_and_still_submits(page, base_url: str) -> None:
    problems = watch_csp(page)
    response = page.goto(f"{base_url}/nl/apply/mentor/")
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    # The stylesheet applies (a blocked one would leave the honeypot on screen).
    assert page.evaluate("getComputedStyle(document.querySelector('.hp')).left") == "-10000px"
    # An error state first, then a full submission.
    page.click("button[type=submit]")
    page.wait_for_selector(".error-summary")
    fill_in(page, "mentor", **mentor_answers("nl"))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/nl/apply/mentor/thanks/DUO-[A-Z0-9]{6}/$"))
    assert THANKS["nl"] in page.inner_text("main")
    assert problems == []
