"""DUO for a JOB application service: a Flask app factory (flaskr style)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from flask import Flask, request

from forms_service import static_site
from forms_service.secret import instance_secret_key

PROJECT_DIR = Path(__file__).resolve().parent.parent


def select_locale() -> str:
    """The language is the URL's first segment (/nl/apply/…); French otherwise."""
    from forms_service.data import DEFAULT_LANGUAGE, LANGUAGES

    lang = (request.view_args or {}).get("lang") if request else None
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the WSGI app; configuration from FLASK_* environment variables."""
    app = Flask(__name__, instance_relative_config=True, static_url_path="/forms-static")
    app.config.from_mapping(
        SITE_DIR=str(PROJECT_DIR / "site"),
        DATABASE_URL="sqlite:///" + os.path.join(app.instance_path, "forms.sqlite3"),
        MAX_CONTENT_LENGTH=64 * 1024,
        # A form may stay open for a long time; an expired token re-renders it filled anyway.
        WTF_CSRF_TIME_LIMIT=4 * 3600,
        MAIL_SERVER=None,
        MAIL_PORT=25,
        MAIL_DEFAULT_SENDER="DUO for a JOB <no-reply@localhost>",
        # Sending is decided by MAIL_SERVER, not by app.testing (the tests use a real server).
        MAIL_SUPPRESS_SEND=False,
        MAIL_TIMEOUT=10.0,
        BRANCH_INBOXES={},
        # Per visitor address, on POSTs only. People apply together from employment offices
        # and associations behind one address: a group of 25 sending their forms, some twice
        # after an error, fits in 30 a minute and a busy day in 300. A flood stops at 30.
        APPLY_RATE_LIMIT="30 per minute;300 per day",
        # memory:// on one machine; redis://host:6379/0 when several share the limits.
        RATELIMIT_STORAGE_URI="memory://",
        # Redis down: count in memory meanwhile rather than refuse applications.
        RATELIMIT_IN_MEMORY_FALLBACK_ENABLED=True,
        BABEL_DEFAULT_LOCALE="fr",
    )
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if app.logger.level == logging.NOTSET:
        # Flask's handler on the "forms_service" logger; INFO so waiting messages are logged.
        app.logger.setLevel(logging.INFO)

    from forms_service import apply, errors, outbox, privacy
    from forms_service.extensions import babel, csrf, db, limiter, mail

    db.init_app(app)
    mail.init_app(app)
    # The limiter's check runs before the CSRF check: POSTs without a token count too.
    limiter.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    outbox.init_app(app)
    privacy.init_app(app)
    errors.init_app(app)
    app.register_blueprint(apply.bp)
    app.jinja_env.add_extension("jinja2.ext.do")

    from forms_service import security

    security.init_app(app)  # headers, cookies, ProxyFix, the 405 and 429 pages
    static_site.init_app(app)  # last: the built site answers what Flask does not
    return app
