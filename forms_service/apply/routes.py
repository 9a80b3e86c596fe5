"""The application forms' views. Thin: build the form, validate, call the service, redirect."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import abort, current_app, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from forms_service.apply import bp
from forms_service.apply.forms import FORMS, ApplicationForm
from forms_service.domain.references import new_reference, new_submission_token
from forms_service.extensions import db, limiter
from forms_service.kinds import KINDS
from forms_service.services.applications import (
    ApplicationInput,
    ApplicationTooLarge,
    ReferenceSpaceExhausted,
    confirmation_withheld,
    find_by_reference,
    routed_branch,
    submit_application,
)
from forms_service.web.errors import RETRY_AFTER_SECONDS, UNAVAILABLE, reset_session
from forms_service.web.pages import PRIVACY
from forms_service.web.security import visitor_key
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


def _lookup_limit() -> str:
    return current_app.config["THANKS_LOOKUP_LIMIT"]


def _not_found(response) -> bool:  # type: ignore[no-untyped-def]
    return response.status_code == 404


# On the blueprint, so it is checked before the view and before the CSRF check: a flood of
# POSTs without a token counts too (a decorator on the view would be checked after it).
# An IPv6 visitor counts as its /64 (web.security.visitor_key).
limiter.limit(_rate_limit, methods=["POST"], key_func=visitor_key)(bp)


@bp.route("/<lang>/apply/<kind>/", methods=["GET", "POST"])
def form(lang: str, kind: str):  # type: ignore[no-untyped-def]
    _check(lang, kind)
    form = build_form(lang, kind, request.form if request.method == "POST" else None)
    if request.method == "POST" and form.website.data:
        # A bot filled the honeypot: answer exactly as to a person (303, then a thank-you
        # page with a reference), store nothing. Only this browser can see that page.
        branch = routed_branch(form.site_data, form.answers())
        reference = new_reference()
        session["decoy"] = {"reference": reference, "kind": kind, "branch": branch.id}
        return redirect(url_for("apply.thanks", lang=lang, kind=kind, reference=reference), 303)
    if form.validate_on_submit():
        previous = session.get("sent") or {}
        data = ApplicationInput(
            kind=kind, lang=lang, answers=form.answers(),
            submission_token=form.submission_token.data,
            previous_reference=previous.get("reference"),
        )
        try:
            application = submit_application(
                db.session, data, load_default(), datetime.now(UTC),
                confirmations_per_address=current_app.config["CONFIRMATIONS_PER_ADDRESS"],
            )
        except ApplicationTooLarge as exc:
            raise RequestEntityTooLarge() from exc
        # Back, then Send: the browser fetches a fresh form (no-store) with a new token and
        # the answers it restored; the service knows it by this reference.
        session["sent"] = {"reference": application.reference}
        return redirect(
            url_for("apply.thanks", lang=lang, kind=kind, reference=application.reference), 303
        )
    status = 400 if request.method == "POST" else 200
    return render_form(lang, kind, form, status)


@bp.route("/<lang>/apply/<kind>/thanks/<reference>/")
# Guessing references would reveal which kinds of application a branch received: only
# misses count, so a person reloading their own page is never refused (nginx limits every
# look-up in front, across workers).
@limiter.limit(_lookup_limit, key_func=visitor_key, deduct_when=_not_found)
def thanks(lang: str, kind: str, reference: str):  # type: ignore[no-untyped-def]
    _check(lang, kind)
    decoy = session.get("decoy") or {}
    withheld = False
    if decoy.get("reference") == reference and decoy.get("kind") == kind:
        branch_id = decoy.get("branch")
    else:
        application = find_by_reference(db.session, reference)
        if application is None or application.kind != kind:
            abort(404)
        branch_id = application.branch_id
        withheld = confirmation_withheld(db.session, application)
    branch = load_default().branches.get(branch_id)
    return render_template(
        "apply/thanks.html", lang=lang, kind=kind, branch=branch, reference=reference,
        confirmation_withheld=withheld,
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


for _exception in (*UNAVAILABLE, ReferenceSpaceExhausted):
    # Also when no free reference could be drawn: nothing was stored, the form comes back.
    bp.register_error_handler(_exception, _unavailable)


@bp.app_errorhandler(CSRFError)
def csrf_failed(error: CSRFError):  # type: ignore[no-untyped-def]
    """The form could not be checked: it comes back filled, with a fresh token, and a notice
    that says why and what to do."""
    args = request.view_args or {}
    lang, kind = args.get("lang"), args.get("kind")
    if request.endpoint == "apply.form" and (lang not in LANGUAGES or kind not in KINDS):
        # A POST to a form that does not exist is not found, token or not.
        return current_app.handle_http_exception(NotFound())
    if request.endpoint != "apply.form":
        return error.description, 400
    form = build_form(lang, kind, request.form)
    current_app.logger.info("form not checked on %s: %s", request.path, error.description)
    return render_form(lang, kind, form, 400, csrf_notice(error.description, lang, kind))


def csrf_notice(reason: str | None, lang: str, kind: str) -> str:
    """Flask-WTF's reason (its fixed English sentences) as advice to the person."""
    if reason == "The CSRF session token is missing.":
        return _(
            "Your browser did not send back the cookie this form needs, so for your security "
            "we could not send it. Your answers are still here: allow cookies for this site, "
            "then send the form again."
        )
    if reason == "The referrer header is missing.":
        return _(
            "Your browser did not say which page the form was sent from, so for your "
            "security we could not send it. Your answers are still here: allow your browser "
            "or its privacy extension to send the referring page to this site, then send the "
            "form again."
        )
    if reason == "The referrer does not match the host.":
        return _(
            "The form was sent from another address than this site's, so for your security "
            "we could not send it. Your answers are still here: open the form at %(url)s and "
            "send it again.",
            url=url_for("apply.form", lang=lang, kind=kind, _external=True),
        )
    # Expired, missing or not matching: most often a form left open for hours.
    return _(
        "Your form was open for a long time, so for your security we could not send it yet. "
        "Your answers are still here: check them and send the form again."
    )
