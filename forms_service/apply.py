"""The `apply` blueprint: /<lang>/apply/<kind>/ and its thank-you page. Views stay thin."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import NotFound, RequestEntityTooLarge

from forms_service import applications
from forms_service.data import LANGUAGES, load_default
from forms_service.extensions import limiter
from forms_service.forms import FIELD_ORDER, FORMS, KINDS
from forms_service.static_site import language_of_path

bp = Blueprint("apply", __name__)

SITE_HOME = {"fr": "/", "nl": "/nl/", "en": "/en/"}
PRIVACY = {"fr": "/privacy/", "nl": "/nl/privacy/", "en": "/en/privacy/"}


def _check(lang: str, kind: str) -> None:
    if lang not in LANGUAGES or kind not in KINDS:
        abort(404)


def build_form(lang: str, kind: str, formdata=None):  # type: ignore[no-untyped-def]
    site = load_default()
    form = FORMS[kind](formdata=formdata, site_data=site, lang=lang)
    chosen = request.args.get("branch", "")
    if formdata is None and chosen in {b.id for b in site.branches.branches}:
        # A branch page's call to action (?branch=ghent) preselects that branch.
        form.branch.data = chosen
    if not form.submission_token.data:
        form.submission_token.data = applications.new_submission_token()
    return form


def render_form(lang: str, kind: str, form, status: int = 200, notice: str | None = None):  # type: ignore[no-untyped-def]
    return (
        render_template(
            "apply/form.html",
            lang=lang,
            kind=kind,
            form=form,
            fields=FIELD_ORDER[kind],
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
        branch = form.routed_branch()
        return render_template(
            "apply/thanks.html", lang=lang, kind=kind, branch=branch,
            reference=applications.new_reference(),
        )
    if form.validate_on_submit():
        application = applications.submit(form, kind, lang, load_default())
        return redirect(
            url_for("apply.thanks", lang=lang, kind=kind, reference=application.reference), 303
        )
    status = 400 if request.method == "POST" else 200
    return render_form(lang, kind, form, status)


@bp.route("/<lang>/apply/<kind>/thanks/<reference>/")
def thanks(lang: str, kind: str, reference: str):  # type: ignore[no-untyped-def]
    _check(lang, kind)
    application = applications.find(reference)
    if application is None or application.kind != kind:
        abort(404)
    branch = load_default().branches.get(application.branch_id)
    return render_template(
        "apply/thanks.html", lang=lang, kind=kind, branch=branch, reference=reference
    )


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
    from flask_babel import gettext as _

    notice = _(
        "Your form was open for a long time, so for your security we could not send it yet. "
        "Your answers are still here: check them and send the form again."
    )
    return render_form(lang, kind, form, 400, notice)


@bp.app_errorhandler(RequestEntityTooLarge)
def too_large(error: RequestEntityTooLarge):  # type: ignore[no-untyped-def]
    lang = language_of_path(request.path)
    return render_template("apply/too_large.html", lang=lang, kind=None), 413


LANGUAGE_NAMES = {"fr": "Français", "nl": "Nederlands", "en": "English"}


@bp.app_context_processor
def page_context() -> dict[str, object]:
    from flask_babel import lazy_gettext as _l

    return {
        "site_home": SITE_HOME,
        "privacy": PRIVACY,
        "language_names": LANGUAGE_NAMES,
        "kind_names": {
            "mentor": _l("mentor"),
            "mentee": _l("mentee"),
            "partner": _l("partner"),
            "volunteer": _l("volunteer"),
        },
        "titles": {
            "mentor": _l("Become a mentor"),
            "mentee": _l("Find a mentor"),
            "partner": _l("Become a partner"),
            "volunteer": _l("Volunteer with us"),
        },
        "intros": {
            "mentor": _l(
                "You are 50 or older and have work experience? For six months, about two hours "
                "a week, you help a young job seeker find their way to work."
            ),
            "mentee": _l(
                "You are young, looking for work, and you or your family came from outside the "
                "European Union? A mentor with years of work experience helps you for six "
                "months, free of charge."
            ),
            "partner": _l(
                "Your organisation wants to work with us, fund the programme or let its "
                "employees become mentors? Tell us about it."
            ),
            "volunteer": _l(
                "You would like to help without being a mentor? Review CVs, run events for "
                "mentors or represent DUO for a JOB."
            ),
        },
    }
