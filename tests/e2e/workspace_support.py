"""What the workspace's and the sessions' browser tests share: the service served from a
thread, a real SMTP server that keeps what it receives, a person of staff in Chromium (set a
password from the printed link, set up the authenticator app from the key shown as text,
sign in with codes computed by pyotp), axe-core, and checks of a page's width and of the
keyboard focus."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pyotp
from flask import Flask
from localservers import HOST, SmtpServer
from staff_support import fresh_code
from werkzeug.serving import make_server

PASSWORD = "correct horse battery staple"
LINK = re.compile(r"https?://\S+/staff/\S+")


def live_app(database: Path, base: str, smtp: SmtpServer, secret: str) -> Flask:
    """The service as `make serve` configures it, its links on `base`, delivering to `smtp`."""
    from forms_service import create_app

    return create_app({
        "SITE_DIR": "/nonexistent", "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": secret, "RATELIMIT_ENABLED": False, "PUBLIC_URL": base,
        "MAIL_SERVER": HOST, "MAIL_PORT": smtp.port, "MAIL_TIMEOUT": 5.0,
        "MAIL_DEFAULT_SENDER": "DUO for a JOB <forms@example.org>",
    })


@contextlib.contextmanager
def serving(app: Flask, port: int) -> Iterator[None]:
    """`app`, its schema made, on HOST:port from a thread of this process until the block
    ends (the browser talks to it; the test reads its database directly)."""
    from forms_service.db import upgrade

    upgrade(app)
    server = make_server(HOST, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join(timeout=5)
        app.extensions["forms_service.engine"].dispose()


def text_of(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()


def at(base: str, path: str) -> re.Pattern[str]:
    """The URL of `path` on `base`, whatever its query (Flask-Security-Too adds ?next=)."""
    return re.compile("^" + re.escape(base + path) + r"(\?.*)?$")


def path_of(link: str) -> str:
    """The path of a printed or e-mailed link, to open on the server under test."""
    return "/" + link.split("://", 1)[1].split("/", 1)[1]


@dataclass
class StaffInBrowser:
    """A member of staff using the workspace in a Chromium page (a Playwright Page)."""

    page: Any
    base: str
    email: str
    totp: pyotp.TOTP | None = None

    def code(self) -> str:
        """The code the authenticator app shows now; a code is accepted once, so after
        using one a person waits for the next (the app shows a new one every 30 s)."""
        assert self.totp is not None
        return fresh_code(self.totp)

    def wrong_code(self) -> str:
        """Six digits the app would not show around now."""
        assert self.totp is not None
        totp = self.totp
        return next(c for c in ("000000", "111111", "222222", "333333")
                    if not totp.verify(c, valid_window=2))

    def set_password(self, link: str, password: str = PASSWORD) -> None:
        self.page.goto(self.base + path_of(link))
        self.page.fill("#password", password)
        self.page.fill("#password_confirm", password)
        self.page.click("#submit")
        self.page.wait_for_url(at(self.base, "/staff/login"))

    def enter_password(self, password: str = PASSWORD) -> None:
        self.page.goto(f"{self.base}/staff/login")
        self.page.fill("#email", self.email)
        self.page.fill("#password", password)
        self.page.click("#submit")

    def read_key(self) -> None:
        """The key shown as text on the set-up page, as someone types it into their app."""
        key = self.page.inner_text("#authr-key")
        self.totp = pyotp.TOTP(re.sub(r"[\s-]", "", key))

    def set_up_app(self) -> None:
        """On the set-up page: ask for the code to scan, read the key, confirm with a code."""
        self.page.wait_for_url(at(self.base, "/staff/tf-setup"))
        self.page.click("form[name=two_factor_setup_form] button[type=submit]")
        self.page.wait_for_selector("#authr-key")
        self.read_key()
        self.give_code()

    def give_code(self, code: str | None = None) -> None:
        self.page.fill("#code", code or self.code())
        self.page.click("form[name=two_factor_verify_code_form] [type=submit]")

    def sign_in(self, password: str = PASSWORD) -> None:
        """Password, then a code (setting up the app the first time); lands on the queue."""
        self.enter_password(password)
        if self.totp is None:
            self.set_up_app()
        else:
            self.page.wait_for_url(at(self.base, "/staff/tf-validate"))
            self.give_code()
        self.page.wait_for_url(at(self.base, "/staff/"))

    def sign_out(self) -> None:
        self.page.click(".staff-nav form button[type=submit]")
        self.page.wait_for_url(re.compile(r"/staff/login"))


def axe_violations(page: Any, axe_script: Path) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is (the context must bypass the CSP: axe is
    the test's script, not the page's)."""
    page.add_script_tag(path=str(axe_script))
    # Only the violations are collected: the passes would take as long again.
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "help": v["help"],
         "nodes": [(n["target"], n.get("failureSummary", "")) for n in v["nodes"]]}
        for v in result["violations"]
    ]


def page_overflow(page: Any) -> int:
    """How many CSS pixels the page itself is wider than the window (0: no sideways
    scrolling); a table may scroll inside its own region."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


# Whether the focused element shows where the focus is: an outline of at least 2 px that is
# not transparent, or a box shadow; and it lies within the window.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return {tag: 'body'};
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2
    && !/rgba\\(.*, 0\\)$/.test(s.outlineColor) && s.outlineColor !== 'transparent';
  const shadow = s.boxShadow && s.boxShadow !== 'none';
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.type || '', className: el.className,
    href: el.getAttribute('href') || '', text: (el.innerText || el.value || '').trim().slice(0, 40),
    indicated: outline || shadow, outline: s.outlineStyle + ' ' + s.outlineWidth + ' '
      + s.outlineColor,
    inView: r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0
      && r.top < window.innerHeight && r.left < window.innerWidth,
  };
}"""


def focus_state(page: Any) -> dict[str, Any]:
    return page.evaluate(FOCUS_STATE)
