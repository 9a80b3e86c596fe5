"""Staff sign-in with Flask-Security-Too: e-mail and password (argon2), a second factor with
an authenticator app (TOTP) for everyone, recovery codes, password reset by e-mail, sign-out
after 30 minutes idle, a fresh sign-in before sensitive actions. Nothing here re-implements
those; it binds the library to this app:

- the datastore over the app's SQLAlchemy session and models;
- its e-mails through the outbox (extensions.OutboxMailUtil);
- throttling and lock-out of failed attempts, per account and per address (Flask-Limiter,
  counting failures only);
- the session made anew and permanent (idle timeout) at sign-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask, Response, g, request, session
from flask_babel import get_locale
from flask_security import SQLAlchemySessionUserDatastore, user_authenticated
from flask_wtf.csrf import generate_csrf

from forms_service.extensions import db, limiter, security
from forms_service.models import Role, User, WebAuthn

# The endpoints where a wrong secret can be tried: each failure counts, success does not.
GUARDED = ("security.login", "security.two_factor_token_validation", "security.verify",
           "security.mf_recovery", "security.reset_password", "security.forgot_password")


def failed(response: Response) -> bool:
    """A POST answered with the form again (not a redirect onwards) was a failure."""
    return request.method == "POST" and response.status_code not in (301, 302, 303)


def account_key() -> str:
    """The account being tried: the e-mail typed, or the one half-way through two factors."""
    email = (request.form.get("email") or "").strip().casefold()
    return "account:" + (email or str(session.get("tf_user_id") or "") or "-")


def address_key() -> str:
    return "address:" + (request.remote_addr or "-")


def guard(view: Callable[..., Any], app: Flask) -> Callable[..., Any]:
    per_account = limiter.limit(
        lambda: app.config["STAFF_SIGNIN_ACCOUNT_LIMIT"], key_func=account_key,
        methods=["POST"], deduct_when=failed, scope="staff-signin-account",
    )
    per_address = limiter.limit(
        lambda: app.config["STAFF_SIGNIN_ADDRESS_LIMIT"], key_func=address_key,
        methods=["POST"], deduct_when=failed, scope="staff-signin-address",
    )
    return per_account(per_address(view))


def renew_session(sender: Flask, user: User, **extra: Any) -> None:
    """A new CSRF token and an idle timeout from the moment of sign-in."""
    session.pop("csrf_token", None)
    g.pop("csrf_token", None)
    generate_csrf()
    session.permanent = True


def init_app(app: Flask) -> None:
    datastore = SQLAlchemySessionUserDatastore(db.session, User, Role, WebAuthn)
    security.init_app(app, datastore)
    for endpoint in GUARDED:
        if endpoint in app.view_functions:
            app.view_functions[endpoint] = guard(app.view_functions[endpoint], app)
    user_authenticated.connect(renew_session, app)
    app.context_processor(interface_language)


def interface_language() -> dict[str, str]:
    """The workspace's two-letter language (its Babel locale is fr_FR, nl_NL or en)."""
    return {"ui_lang": str(get_locale() or "fr")[:2]}
