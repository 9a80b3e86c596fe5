"""The database is unavailable or locked: a 503 in the visitor's language, never a 500.

Blueprints with a form to give back register their own handler (apply does) and use
`reset_session` and `RETRY_AFTER_SECONDS` from here; every other page gets the plain 503.

The pages nginx answers with when it refuses a request itself (too large, too many, the
service down) are these same pages, written to files by `flask --app forms_service
error-pages DIRECTORY` (deploy/nginx.conf.template serves them).
"""

from __future__ import annotations

import logging
from pathlib import Path

import click
from flask import Flask, current_app, render_template, request
from flask.cli import with_appcontext
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import RequestEntityTooLarge

from forms_service.extensions import db
from sitedata.urls import LANGUAGES, language_of_path

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


def static_error_pages(app: Flask) -> dict[str, str]:
    """nginx's error pages by file name (fr/413.html …): too large, too many, unavailable."""
    pages = {}
    for lang in LANGUAGES:
        with app.test_request_context(f"/{lang}/"), force_locale(lang):
            notice = _(
                "Our service is busy or briefly unavailable. Please try again in a few minutes."
            )
            pages[f"{lang}/413.html"] = render_template(
                "apply/too_large.html", lang=lang, kind=None
            )
            pages[f"{lang}/429.html"] = render_template(
                "apply/too_many.html", lang=lang, kind=None
            )
            pages[f"{lang}/503.html"] = render_template(
                "apply/unavailable.html", lang=lang, kind=None, form=None, notice=notice
            )
    return pages


@click.command("error-pages")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@with_appcontext
def error_pages_command(directory: Path) -> None:
    """Write nginx's error pages (413, 429, 502-504) in every language into DIRECTORY."""
    pages = static_error_pages(current_app._get_current_object())  # type: ignore[attr-defined]
    for name, page in pages.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    click.echo(f"Wrote {len(pages)} error pages into {directory}.")


def init_app(app: Flask) -> None:
    for exc in UNAVAILABLE:
        app.register_error_handler(exc, database_unavailable)
    app.register_error_handler(RequestEntityTooLarge, too_large)
    app.cli.add_command(error_pages_command)
