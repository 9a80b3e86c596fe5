"""Every default of the service, in one place, overridden by FLASK_* environment variables
(`app.config.from_prefixed_env()`), or by the mapping a test passes to create_app.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import stat
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask

PROJECT_DIR = Path(__file__).resolve().parent.parent


def defaults(instance_path: str) -> dict[str, Any]:
    return dict(
        # The built site, served beside the forms by `make serve` (nginx serves it in
        # production).
        SITE_DIR=str(PROJECT_DIR / "site"),
        DATABASE_URL="sqlite:///" + os.path.join(instance_path, "forms.sqlite3"),
        MAX_CONTENT_LENGTH=64 * 1024,
        # A form may stay open for a long time; an expired token re-renders it filled anyway.
        WTF_CSRF_TIME_LIMIT=4 * 3600,
        MAIL_SERVER=None,
        MAIL_PORT=25,
        MAIL_DEFAULT_SENDER="DUO for a JOB <no-reply@localhost>",
        # Sending is decided by MAIL_SERVER, not by app.testing (the tests use a real server).
        MAIL_SUPPRESS_SEND=False,
        # SMTP socket timeout, in seconds: a slow server never holds the sender.
        MAIL_TIMEOUT=10.0,
        # Branch id -> inbox, overriding data/branches.yml. Checked at start (check_inboxes).
        BRANCH_INBOXES={},
        # Per visitor address (an IPv6 /64), on POSTs only. People apply together from
        # employment offices and associations behind one address: a group of 25 sending their
        # forms, some twice after an error, fits in 30 a minute and a busy day in 300. A flood
        # stops at 30. Counted per worker process: nginx counts across them (deploy/).
        APPLY_RATE_LIMIT="30 per minute;300 per day",
        # Thank-you pages looked up without a match (someone guessing references), per visitor.
        THANKS_LOOKUP_LIMIT="10 per hour",
        # Confirmations one e-mail address receives in 24 hours at most; later applications
        # are stored and notified to the branch without one.
        CONFIRMATIONS_PER_ADDRESS=3,
        # memory:// on one machine; redis://host:6379/0 when several share the limits.
        RATELIMIT_STORAGE_URI="memory://",
        # Redis down: count in memory meanwhile rather than refuse applications.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        BABEL_DEFAULT_LOCALE="fr",
        # Dates shown to staff (the branches' countries share this time zone).
        BABEL_DEFAULT_TIMEZONE="Europe/Brussels",
        # How many proxies in front set X-Forwarded-* (nginx: 1; `make serve`: 0).
        PROXY_HOPS=1,
        # Forced on every response when true; otherwise Secure follows the request's scheme.
        SESSION_COOKIE_SECURE=False,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        # --- the staff workspace (Flask-Security-Too) ---
        # Where the workspace's links in e-mails and printed by commands point.
        PUBLIC_URL="http://127.0.0.1:8000",
        SECURITY_URL_PREFIX="/staff",
        SECURITY_REGISTERABLE=False,  # no public sign-up: admins add people
        SECURITY_RECOVERABLE=True,  # password reset by e-mail, and the invitation link
        SECURITY_CHANGEABLE=True,
        SECURITY_TRACKABLE=True,
        SECURITY_PASSWORD_HASH="argon2",
        SECURITY_PASSWORD_LENGTH_MIN=10,
        # The invitation's set-password link (and a reset link) works for 72 hours.
        SECURITY_RESET_PASSWORD_WITHIN=timedelta(hours=72),
        SECURITY_TWO_FACTOR=True,
        SECURITY_TWO_FACTOR_REQUIRED=True,
        SECURITY_TWO_FACTOR_ENABLED_METHODS=["authenticator"],
        SECURITY_TWO_FACTOR_ALWAYS_VALIDATE=True,
        SECURITY_TWO_FACTOR_RESCUE_EMAIL=False,
        SECURITY_MULTI_FACTOR_RECOVERY_CODES=True,
        # Passkeys (WebAuthn), as an option in place of the authenticator code.
        SECURITY_WEBAUTHN=True,
        SECURITY_WAN_ALLOW_AS_MULTI_FACTOR=True,
        SECURITY_WAN_ALLOW_AS_FIRST_FACTOR=False,
        SECURITY_WAN_RP_NAME="DUO for a JOB",
        SECURITY_TOTP_ISSUER="DUO for a JOB",
        SECURITY_FRESHNESS=timedelta(minutes=5),
        SECURITY_FRESHNESS_GRACE_PERIOD=timedelta(0),
        SECURITY_DEFAULT_REMEMBER_ME=False,
        # The library's own Cache-Control header is malformed under Werkzeug 3.1 ("no-store=
        # True") and would take the place of ours: web.security sends no-store instead.
        SECURITY_CACHE_CONTROL={},
        SECURITY_POST_LOGIN_VIEW="/staff/",
        SECURITY_POST_LOGOUT_VIEW="/staff/",
        SECURITY_POST_RESET_VIEW="/staff/login",
        SECURITY_TWO_FACTOR_POST_SETUP_VIEW="/staff/",
        SECURITY_EMAIL_SENDER=None,  # MAIL_DEFAULT_SENDER
        SECURITY_SEND_REGISTER_EMAIL=False,
        # Flask-Security-Too's own Dutch leaves most of its texts in English: ours (nl_NL) is
        # read after it, filling the gaps and overriding (flask_babel merges in this order).
        SECURITY_I18N_DIRNAME=["builtin", str(Path(__file__).parent / "translations_security")],
        # Idle sign-out: the session lasts 30 minutes after the last request.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=30),
        REMEMBER_COOKIE_DURATION=timedelta(minutes=30),
        # Failed sign-in attempts (password, code, recovery code): beyond these, the account
        # or the address is locked out until the window has passed.
        STAFF_SIGNIN_ACCOUNT_LIMIT="5 per 15 minutes",
        STAFF_SIGNIN_ADDRESS_LIMIT="20 per 15 minutes",
        # The pages behind the signed links in session e-mails (view, cancel, move), per
        # visitor address, GET included.
        SESSION_LINK_RATE_LIMIT="30 per minute;300 per day",
    )


def configure(app: Flask, test_config: dict[str, Any] | None = None) -> None:
    """Defaults, then the environment (or a test's mapping), then what is derived."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    private_directory(app.instance_path)
    check_inboxes(app.config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    # Flask-Security-Too signs its tokens and TOTP secrets with keys derived from SECRET_KEY
    # unless the operator sets them.
    app.config.setdefault("SECURITY_PASSWORD_SALT", "pw:" + app.config["SECRET_KEY"])
    app.config.setdefault("SECURITY_TOTP_SECRETS", {"1": "totp:" + app.config["SECRET_KEY"]})
    if app.logger.level == logging.NOTSET:
        # Flask's handler on the "forms_service" logger; INFO so waiting messages are logged.
        app.logger.setLevel(logging.INFO)


class ConfigurationError(click.ClickException):
    """A setting the service cannot run with; the message says which and how to fix it.
    A ClickException, so `flask …` commands print it as one line and exit with status 1;
    gunicorn logs it and does not start."""


def check_inboxes(config: dict[str, Any]) -> None:
    """FLASK_BRANCH_INBOXES must be a JSON object of known branch ids and e-mail addresses:
    a mistake would otherwise send a branch's applications to the wrong inbox, unnoticed.

    Flask keeps a value that is not valid JSON as a string; it is refused here."""
    from forms_service.domain.text import normalise_email
    from sitedata import load_default

    value = config.get("BRANCH_INBOXES") or {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            raise ConfigurationError(
                f"FLASK_BRANCH_INBOXES is not valid JSON ({exc}); write it as "
                '\'{"antwerp": "antwerp@example.org"}\''
            ) from None
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            "FLASK_BRANCH_INBOXES must be a JSON object of branch ids and e-mail addresses, "
            'like \'{"antwerp": "antwerp@example.org"}\''
        )
    known = {branch.id for branch in load_default().branches.branches}
    unknown = sorted(str(branch) for branch in value if branch not in known)
    if unknown:
        raise ConfigurationError(
            f"FLASK_BRANCH_INBOXES names unknown branches: {', '.join(unknown)}; the branch "
            f"ids are those of data/branches.yml: {', '.join(sorted(known))}"
        )
    wrong = sorted(
        str(branch) for branch, inbox in value.items()
        if not isinstance(inbox, str) or normalise_email(inbox) is None
    )
    if wrong:
        raise ConfigurationError(
            f"FLASK_BRANCH_INBOXES has no valid e-mail address for: {', '.join(wrong)}"
        )
    config["BRANCH_INBOXES"] = dict(value)


def private_directory(path: str | Path) -> None:
    """The instance folder holds the secret key and the SQLite database: its owner alone may
    read it (0700), even when made before or under a lax umask."""
    os.makedirs(path, mode=0o700, exist_ok=True)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    if mode & 0o077:
        try:
            os.chmod(path, 0o700)
        except PermissionError:  # not ours: say so rather than stop the service
            logging.getLogger(__name__).warning(
                "%s is readable by other users (mode %o): make it 0700", path, mode
            )


def instance_secret_key(instance_path: str | Path) -> str:
    """A fixed default key would be public and let anyone forge tokens: without
    FLASK_SECRET_KEY, a random key is made once in the instance folder and shared by every
    worker on the machine (several machines must share one key: set FLASK_SECRET_KEY).

    Read instance/secret_key, creating it (readable by its owner only) the first time."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by another worker starting at the same moment
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it, or set FLASK_SECRET_KEY")
    return key
