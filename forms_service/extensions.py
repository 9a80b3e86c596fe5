"""Extension objects, created once here and bound to an app in create_app (flaskr style)."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_security import MailUtil, Security, Totp
from flask_wtf.csrf import CSRFProtect

from forms_service.db import Database
from forms_service.domain.text import has_control_chars
from forms_service.models import OutboxMessage
from sitedata.urls import DEFAULT_LANGUAGE, LANGUAGES

db = Database()
mail = Mail()
csrf = CSRFProtect()
babel = Babel()
# The storage comes from RATELIMIT_STORAGE_URI (memory:// by default, Redis for several
# instances); a storage_uri given here would silently win over the configuration.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


class OutboxMailUtil(MailUtil):
    """Flask-Security-Too's own messages (password reset, password changed) go into the
    outbox like every other: a request never waits on SMTP, and a failure is retried."""

    def send_mail(  # type: ignore[override]
        self, template: str, subject: str, recipient: str, sender: Any, body: str,
        html: str | None, **kwargs: Any,
    ) -> None:
        if has_control_chars(recipient) or has_control_chars(str(subject)):
            raise ValueError("line break in an e-mail header value")
        # The user datastore's session is the app's request-scoped session.
        session = current_app.extensions["security"].datastore.db.session
        session.add(OutboxMessage(
            kind=f"account:{template}"[:32], recipient=recipient, subject=str(subject),
            body_text=body or "", body_html=html or "",
        ))
        session.commit()


class ReplayProofTotp(Totp):
    """An authenticator code is accepted once: the last accepted time step is kept on the
    account, and the library refuses that step and earlier ones."""

    def get_last_counter(self, user: Any) -> int | None:
        return getattr(user, "tf_totp_last_counter", None)

    def set_last_counter(self, user: Any, tmatch: Any) -> None:
        user.tf_totp_last_counter = tmatch.counter


# Staff sign-in; bound with its datastore in staff.auth. Its e-mails go to the outbox.
security = Security(mail_util_cls=OutboxMailUtil, totp_cls=ReplayProofTotp)

# Flask-Security-Too ships French and Dutch as fr_FR and nl_NL: the workspace asks for those
# (gettext falls back from fr_FR to the service's own "fr" catalogue).
STAFF_LOCALES = {"fr": "fr_FR", "nl": "nl_NL", "en": "en"}
STAFF_BLUEPRINTS = ("staff", "security")


def select_locale() -> str:
    """The language is the URL's first segment (/nl/apply/…); French otherwise. In the
    workspace: the person's language, or before sign-in the browser's."""
    if not request:
        return DEFAULT_LANGUAGE
    if request.blueprint in STAFF_BLUEPRINTS:
        from flask_security import current_user

        lang = getattr(current_user, "lang", None) if current_user else None
        if lang not in LANGUAGES:
            lang = request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE
        return STAFF_LOCALES[lang]
    lang = (request.view_args or {}).get("lang")
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    db.init_app(app)
    mail.init_app(app)
    # The limiter's check runs before the CSRF check: POSTs without a token count too.
    limiter.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.do")
