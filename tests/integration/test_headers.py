"""Security headers on every service response, HSTS and Secure cookies behind HTTPS (one
proxy, ProxyFix), and templates that a strict Content-Security-Policy does not break."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apply_support import HIDDEN, VALID, ApplicationActions, make_app, stored

pytestmark = pytest.mark.integration

TEMPLATES = Path(__file__).resolve().parents[2] / "forms_service" / "templates"
HTTPS_PROXY = {
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "apply.example.org",
    "X-Forwarded-For": "203.0.113.9",
}
CSP_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "object-src": "'none'",
}


@pytest.fixture
def app(tmp_path: Path):  # type: ignore[no-untyped-def]
    app = make_app(f"sqlite:///{tmp_path / 'forms.sqlite3'}", RATELIMIT_ENABLED=True,
                   APPLY_RATE_LIMIT="100 per minute", MAX_CONTENT_LENGTH=4096)
    yield app
    app.extensions["forms_service.engine"].dispose()


def responses_of_every_kind(app):  # type: ignore[no-untyped-def]
    """Each kind of answer the service gives, by name."""
    client = app.test_client()
    actions = ApplicationActions(client)
    sent = actions.submit("mentor", "fr")
    answers = {
        "form": client.get("/nl/apply/mentee/"),
        "invalid": actions.submit("partner", "en", email="nope"),
        "redirect": sent,
        "thanks": client.get(sent.headers["Location"]),
        "csrf": client.post("/en/apply/volunteer/", data={"first_name": "A"}),
        "not found": client.get("/de/apply/mentor/"),
        "method": client.put("/fr/apply/mentor/"),
        "too large": client.post("/fr/apply/mentor/", data={"message": "x" * 10_000}),
        "stylesheet": client.get("/forms-static/apply.css"),
    }
    limited = make_app(app.config["DATABASE_URL"], RATELIMIT_ENABLED=True,
                       APPLY_RATE_LIMIT="1 per minute").test_client()
    limited.post("/fr/apply/mentor/", data={})
    answers["rate limited"] = limited.post("/fr/apply/mentor/", data={})
    return answers


def parse_csp(value: str) -> dict[str, str]:
    directives = [d.strip().split(None, 1) for d in value.split(";") if d.strip()]
    return {d[0]: d[1] if len(d) > 1 else "" for d in directives}


def test_every_response_carries_the_security_headers(app) -> None:
    answers = responses_of_every_kind(app)
    statuses = {name: r.status_code for name, r in answers.items()}
    assert statuses == {
        "form": 200, "invalid": 400, "redirect": 303, "thanks": 200, "csrf": 400,
        "not found": 404, "method": 405, "too large": 413, "stylesheet": 200,
        "rate limited": 429,
    }
    for name, response in answers.items():
        csp = response.headers.get("Content-Security-Policy", "")
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, name
        directives = parse_csp(csp)
        for directive, value in CSP_DIRECTIVES.items():
            assert directives.get(directive) == value, (name, directive, csp)
        assert response.headers["X-Content-Type-Options"] == "nosniff", name
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", name
        assert response.headers["X-Frame-Options"] == "DENY", name
        # Plain HTTP: no HSTS (it would be ignored, and would lock out a local test server).
        assert "Strict-Transport-Security" not in response.headers, name


def test_pages_are_not_cached_but_the_stylesheet_is_cacheable(app) -> None:
    answers = responses_of_every_kind(app)
    for name in ("form", "invalid", "thanks", "csrf"):
        assert answers[name].headers["Cache-Control"] == "no-store", name
    assert "no-store" not in answers["stylesheet"].headers.get("Cache-Control", "")


def session_cookie(response) -> str:  # type: ignore[no-untyped-def]
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def cookie_flags(cookie: str) -> set[str]:
    return {part.strip().lower() for part in cookie.split(";")[1:]}


def test_over_http_the_session_cookie_is_httponly_and_lax_but_not_secure(app) -> None:
    flags = cookie_flags(session_cookie(app.test_client().get("/fr/apply/mentor/")))
    assert {"httponly", "samesite=lax"} <= flags
    assert "secure" not in flags


def test_behind_an_https_proxy_hsts_is_sent_and_the_cookie_is_secure(app) -> None:
    response = app.test_client().get("/fr/apply/mentor/", headers=HTTPS_PROXY)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert {"httponly", "samesite=lax", "secure"} <= cookie_flags(session_cookie(response))
    # Absolute links name the public host the proxy gives; the others stay relative.
    assert 'href="https://apply.example.org/nl/apply/mentor/"' in response.text
    assert 'action="/fr/apply/mentor/"' in response.text


def test_a_configured_secure_cookie_is_secure_even_when_the_proxy_says_http(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """FLASK_SESSION_COOKIE_SECURE=true, as in production, from the environment."""
    from forms_service import create_app

    monkeypatch.setenv("FLASK_SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("FLASK_DATABASE_URL", f"sqlite:///{tmp_path / 'forms.sqlite3'}")
    monkeypatch.setenv("FLASK_SITE_DIR", "/nonexistent")
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] is True
    flags = cookie_flags(session_cookie(app.test_client().get("/en/apply/partner/")))
    assert {"httponly", "samesite=lax", "secure"} <= flags


def test_an_https_post_through_the_proxy_passes_the_csrf_referer_check(app) -> None:
    """Flask-WTF checks the Referer on HTTPS against the host ProxyFix restored."""
    client = app.test_client()
    page = client.get("/en/apply/mentee/", headers=HTTPS_PROXY)
    hidden = dict(HIDDEN.findall(page.text))
    data = {**VALID["mentee"], **hidden}
    same_origin = {**HTTPS_PROXY, "Referer": "https://apply.example.org/en/apply/mentee/"}
    response = client.post("/en/apply/mentee/", data=data, headers=same_origin)
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/en/apply/mentee/thanks/")
    assert len(stored(app)[0]) == 1

    foreign = {**HTTPS_PROXY, "Referer": "https://evil.example/en/apply/mentee/"}
    refused = client.post("/en/apply/volunteer/", data={**VALID["volunteer"], **hidden},
                          headers=foreign)
    assert refused.status_code == 400
    assert "Your answers are still here" in refused.text
    assert len(stored(app)[0]) == 1


def test_without_a_proxy_forwarded_headers_are_ignored(tmp_path: Path) -> None:
    """FLASK_PROXY_HOPS=0 when nothing sits in front: a client cannot claim HTTPS or a host."""
    app = make_app(f"sqlite:///{tmp_path / 'forms.sqlite3'}", PROXY_HOPS=0)
    response = app.test_client().get("/fr/apply/mentor/", headers=HTTPS_PROXY)
    assert "Strict-Transport-Security" not in response.headers
    assert "secure" not in cookie_flags(session_cookie(response))


def test_templates_hold_no_inline_script_style_or_event_handler() -> None:
    """What a CSP without 'unsafe-inline' would block: <script> without src, <style>,
    style=, on…= (a script file from the service itself is allowed)."""
    inline = re.compile(r"<script(?![^>]*\ssrc=)|<style|\sstyle=|\son[a-z]+=", re.IGNORECASE)
    found = {
        str(path.relative_to(TEMPLATES)): inline.findall(path.read_text())
        for path in TEMPLATES.rglob("*.html")
        if not path.parts[-2] == "email"  # e-mails are not pages; mail clients ignore CSP
    }
    assert {name: hits for name, hits in found.items() if hits} == {}


@pytest.mark.parametrize(
    ("case", "says"),
    [
        ("no referrer", "did not say which page the form was sent from"),
        ("another site", "The form was sent from another address than this site"),
        ("no cookie", "did not send back the cookie this form needs"),
    ],
)
def test_a_form_refused_for_another_reason_than_time_says_what_is_wrong_and_what_to_do(
    app, case: str, says: str
) -> None:
    client = app.test_client()
    page = client.get("/en/apply/mentee/", headers=HTTPS_PROXY)
    data = {**VALID["mentee"], **dict(HIDDEN.findall(page.text)), "first_name": "Amina"}
    headers = {**HTTPS_PROXY, "Referer": "https://apply.example.org/en/apply/mentee/"}
    if case == "no referrer":
        del headers["Referer"]
    elif case == "another site":
        headers["Referer"] = "https://apply.example.org.evil.example/en/apply/mentee/"
    else:
        client = app.test_client()  # another browser: no session cookie
    refused = client.post("/en/apply/mentee/", data=data, headers=headers)
    assert refused.status_code == 400
    assert says in refused.text
    assert "Your form was open for a long time" not in refused.text
    assert "Your answers are still here" in refused.text and 'value="Amina"' in refused.text
    if case == "another site":
        assert "https://apply.example.org/en/apply/mentee/" in refused.text
    assert stored(app) == ([], [])
