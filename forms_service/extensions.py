"""Extension objects, created once here and bound to an app in create_app (flaskr style)."""

from __future__ import annotations

from flask import Flask, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

from forms_service.db import Database
from sitedata.urls import DEFAULT_LANGUAGE, LANGUAGES

db = Database()
mail = Mail()
csrf = CSRFProtect()
babel = Babel()
# The storage comes from RATELIMIT_STORAGE_URI (memory:// by default, Redis for several
# instances); a storage_uri given here would silently win over the configuration.
limiter = Limiter(key_func=get_remote_address, default_limits=[])


def select_locale() -> str:
    """The language is the URL's first segment (/nl/apply/…); French otherwise."""
    lang = (request.view_args or {}).get("lang") if request else None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def init_app(app: Flask) -> None:
    db.init_app(app)
    mail.init_app(app)
    # The limiter's check runs before the CSRF check: POSTs without a token count too.
    limiter.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.add_extension("jinja2.ext.do")
