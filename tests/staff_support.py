"""What the workspace tests share: a member of staff made with the CLI, and a person's
actions to set a password, set up the authenticator app and sign in (test client)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from typing import Any

import pyotp
from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|'
                  r'type="hidden" name="csrf_token" value="([^"]+)"|'
                  r'id="[a-z-]*csrf" name="csrf_token" type="hidden" value="([^"]+)"')
KEY = re.compile(r'id="authr-key">([A-Z2-7 -]+)<')


def csrf_of(html: str) -> str:
    match = CSRF.search(html)
    assert match, "no CSRF token in the page"
    return next(g for g in match.groups() if g)


def add_staff(app: Flask, email: str, role: str, *options: str) -> str:
    """`flask staff add` as an operator types it; returns the printed link."""
    result = app.test_cli_runner().invoke(args=["staff", "add", email, "--role", role, *options])
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


_last_step: dict[str, int] = {}


def fresh_code(totp: pyotp.TOTP) -> str:
    """The current code, waiting for the next time step if this one's was given already."""
    step = int(time.time() // totp.interval)
    if _last_step.get(totp.secret, -1) >= step:
        time.sleep((step + 1) * totp.interval - time.time() + 0.5)
        step = int(time.time() // totp.interval)
    _last_step[totp.secret] = step
    return totp.at(step * totp.interval)


def last_code(totp: pyotp.TOTP) -> str:
    """The code given last (what a replay would send again)."""
    return totp.at(_last_step[totp.secret] * totp.interval)


@dataclass
class StaffMember:
    """A person using the workspace in a browser-like client."""

    client: FlaskClient
    email: str
    totp: pyotp.TOTP | None = None
    codes_used: set[str] = field(default_factory=set)

    def get(self, url: str, **kw: Any):  # type: ignore[no-untyped-def]
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, page: str | None = None):  # type: ignore[no-untyped-def]
        """POST with the CSRF token of `page` (or of the page at `url`)."""
        html = self.client.get(page or url).text if page is not False else ""
        data = dict(data or {})
        if page is not False:
            data.setdefault("csrf_token", csrf_of(html))
        return self.client.post(url, data=data)

    def set_password(self, link: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        path = link.split("://", 1)[-1].split("/", 1)[1]
        return self.post("/" + path, {"password": password, "password_confirm": password})

    def code(self) -> str:
        """The code the authenticator app shows now; a code is accepted once, so after
        using one a person waits for the next (the app shows a new one every 30 s)."""
        assert self.totp is not None
        return fresh_code(self.totp)

    def sign_in(self, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        """Password, then the second step (setting up the app on first sign-in)."""
        page = self.post("/staff/login", {"email": self.email, "password": password})
        if page.status_code != 302:
            return page
        where = page.headers["Location"]
        if "tf-setup" in where:
            setup = self.post("/staff/tf-setup", {"setup": "authenticator"})
            key = KEY.search(setup.text)
            assert key, "the set-up page shows the key as text"
            self.totp = pyotp.TOTP(re.sub(r"[ -]", "", key.group(1)))
            token = csrf_of(setup.text)
            return self.client.post("/staff/tf-validate", data={"code": self.code(),
                                                                 "csrf_token": token})
        return self.post("/staff/tf-validate", {"code": self.code()})


def signed_in(app: Flask, email: str, role: str, *options: str) -> StaffMember:
    """A member of staff added with the CLI, password set, app set up, signed in."""
    link = add_staff(app, email, role, *options)
    person = StaffMember(app.test_client(), email)
    assert person.set_password(link).status_code == 302
    answer = person.sign_in()
    assert answer.status_code == 302, answer.text[:2000]
    assert person.get("/staff/").status_code == 200
    return person
