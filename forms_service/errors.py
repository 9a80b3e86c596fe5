"""The database is unavailable or locked: a 503 in the visitor's language, never a 500.

A form that could not be stored comes back filled in, with the same submission token, so
sending it again later stores it once.
"""

from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from forms_service.extensions import db
from forms_service.static_site import language_of_path

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError)


def database_unavailable(error: Exception):  # type: ignore[no-untyped-def]
    """Render the 503 page; the form, when there is one, keeps what the visitor typed."""
    from forms_service import apply
    from forms_service.forms import KINDS

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

    args = request.view_args or {}
    lang = language_of_path(request.path)
    kind = args.get("kind") if args.get("kind") in KINDS else None
    form = None
    if request.endpoint == "apply.form" and request.method == "POST" and kind:
        form = apply.build_form(lang, kind, request.form)
    if form is not None:
        notice = _(
            "We could not save your application because our service is busy or briefly "
            "unavailable. Nothing has been sent yet. Your answers are still here: please try "
            "sending the form again in a few minutes."
        )
    else:
        notice = _("Our service is busy or briefly unavailable. Please try again in a few minutes.")
    context = dict(lang=lang, kind=kind, form=form, notice=notice)
    if form is not None:
        context.update(
            fields=apply.FIELD_ORDER[kind], privacy_url=apply.PRIVACY[lang]
        )
    page = render_template("apply/unavailable.html", **context)
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


def init_app(app: Flask) -> None:
    for exc in UNAVAILABLE:
        app.register_error_handler(exc, database_unavailable)
