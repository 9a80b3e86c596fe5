"""The database is unavailable or locked: a 503 in the visitor's language, never a 500.

Blueprints with a form to give back register their own handler (apply does) and use
`reset_session` and `RETRY_AFTER_SECONDS` from here; every other page gets the plain 503.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import RequestEntityTooLarge

from forms_service.extensions import db
from sitedata.urls import language_of_path

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def reset_session(error: Exception) -> None:
    """Log the failure (class names only) and drop the broken session."""
    # Only the class names: SQLAlchemy's message carries the statement's parameters (PII).
    cause = type(getattr(error, "orig", None) or error).__name__
    log.warning(
        "database unavailable (%s: %s) on %s %s; answered 503",
        type(error).__name__, cause, request.method, request.endpoint,
    )
    try:
        db.session.rollback()
    except Exception:  # the connection itself may be gone
        log.debug("rollback after a database error failed", exc_info=True)
    db.session.remove()


def database_unavailable(error: Exception):  # type: ignore[no-untyped-def]
    reset_session(error)
    notice = _("Our service is busy or briefly unavailable. Please try again in a few minutes.")
    page = render_template(
        "apply/unavailable.html", lang=language_of_path(request.path), kind=None, form=None,
        notice=notice,
    )
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def too_large(error: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    lang = language_of_path(request.path)
    return render_template("apply/too_large.html", lang=lang, kind=None), 413


def init_app(app: Flask) -> None:
    for exc in UNAVAILABLE:
        app.register_error_handler(exc, database_unavailable)
    app.register_error_handler(RequestEntityTooLarge, too_large)
