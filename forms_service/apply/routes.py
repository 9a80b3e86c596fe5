"""The application forms' views. Thin: build the form, validate, call the service, redirect."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound

from forms_service.apply import bp
from forms_service.apply.forms import FORMS, ApplicationForm
from forms_service.domain.references import new_reference, new_submission_token
from forms_service.extensions import db, limiter
from forms_service.kinds import KINDS
from forms_service.services.applications import (
    ApplicationInput,
    find_by_reference,
    routed_branch,
    submit_application,
)
from forms_service.web.errors import RETRY_AFTER_SECONDS, UNAVAILABLE, reset_session
from forms_service.web.pages import PRIVACY
from sitedata import LANGUAGES, load_default


def _check(lang: str, kind: str) -> None:
    if lang not in LANGUAGES or kind not in KINDS:
        abort(404)


def build_form(lang: str, kind: str, formdata=None) -> ApplicationForm:  # type: ignore[no-untyped-def]
    site = load_default()
    form = FORMS[kind](formdata=formdata, site_data=site, lang=lang)
    chosen = request.args.get("branch", "")
    if formdata is None and chosen in {b.id for b in site.branches.branches}:
        # A branch page's call to action (?branch=ghent) preselects that branch.
        form.branch.data = chosen
    if not form.submission_token.data:
        form.submission_token.data = new_submission_token()
    return form


def render_form(lang: str, kind: str, form: ApplicationForm, status: int = 200,
                notice: str | None = None):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "apply/form.html",
            lang=lang,
            kind=kind,
            form=form,
            fields=KINDS[kind].fields,
            notice=notice,
            privacy_url=PRIVACY[lang],
        ),
        status,
    )


def _rate_limit() -> str:
    return current_app.config["APPLY_RATE_LIMIT"]


# On the blueprint, so it is checked before the view and before the CSRF check: a flood of
# POSTs without a token counts too (a decorator on the view would be checked after it).
limiter.limit(_rate_limit, methods=["POST"])(bp)


@bp.route("/<lang>/apply/<kind>/", methods=["GET", "POST"])
def form(lang: str, kind: str):  # type: ignore[no-untyped-def]
    _check(lang, kind)
    form = build_form(lang, kind, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.website.data:
        # A bot filled the honeypot: look successful, store nothing.
        branch = routed_branch(form.site_data, form.answers())
        return render_template(
            "apply/thanks.html", lang=lang, kind=kind, branch=branch, reference=new_reference()
        )
    if form.validate_on_submit():
        data = ApplicationInput(
            kind=kind, lang=lang, answers=form.answers(),
            submission_token=form.submission_token.data,
        )
        application = submit_application(db.session, data, load_default(), datetime.now(UTC))
        return redirect(
            url_for("apply.thanks", lang=lang, kind=kind, reference=application.reference), 303
        )
    status = 400 if request.method == "POST" else 200
    return render_form(lang, kind, form, status)


@bp.route("/<lang>/apply/<kind>/thanks/<reference>/")
def thanks(lang: str, kind: str, reference: str):  # type: ignore[no-untyped-def]
    _check(lang, kind)
    application = find_by_reference(db.session, reference)
    if application is None or application.kind != kind:
        abort(404)
    branch = load_default().branches.get(application.branch_id)
    return render_template(
        "apply/thanks.html", lang=lang, kind=kind, branch=branch, reference=reference
    )


def _unavailable(error: Exception):  # type: ignore[no-untyped-def]
    """The database failed while a form was sent: the form comes back filled in, with the
    same submission token, so sending it again later stores it once."""
    reset_session(error)
    args = request.view_args or {}
    lang, kind = args.get("lang"), args.get("kind")
    notice = _(
        "We could not save your application because our service is busy or briefly "
        "unavailable. Nothing has been sent yet. Your answers are still here: please try "
        "sending the form again in a few minutes."
    )
    form = build_form(lang, kind, request.form) if request.method == "POST" else None
    if form is None:
        notice = _(
            "Our service is busy or briefly unavailable. Please try again in a few minutes."
        )
    page = render_template(
        "apply/unavailable.html", lang=lang, kind=kind, form=form, notice=notice,
        fields=KINDS[kind].fields, privacy_url=PRIVACY[lang],
    )
    return page, 503, {"Retry-After": str(RETRY_AFTER_SECONDS)}


for _exception in UNAVAILABLE:
    bp.register_error_handler(_exception, _unavailable)


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError):  # type: ignore[no-untyped-def]
    """An expired or missing token: the form comes back filled, with a fresh token."""
    args = request.view_args or {}
    lang, kind = args.get("lang"), args.get("kind")
    if request.endpoint == "apply.form" and (lang not in LANGUAGES or kind not in KINDS):
        # A POST to a form that does not exist is not found, token or not.
        return current_app.handle_http_exception(NotFound())
    if request.endpoint != "apply.form":
        return error.description, 400
    form = build_form(lang, kind, request.form)
    notice = _(
        "Your form was open for a long time, so for your security we could not send it yet. "
        "Your answers are still here: check them and send the form again."
    )
    return render_form(lang, kind, form, 400, notice)
