"""Switching language on a half-filled form, without JavaScript.

The header's language buttons on a form page send the form here, to the address of the form
in the other language: the same answers come back, in that language, unchecked (a half-filled
form shows no errors). Nothing is stored.
"""

from __future__ import annotations

from flask import redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms import ValidationError

from forms_service.apply import bp
from forms_service.apply.routes import _check, build_form, render_form
from forms_service.extensions import csrf


@bp.route("/<lang>/apply/<kind>/language/", methods=["GET", "POST"])
@csrf.exempt  # checked below, so that an expired token keeps the answers too
def language(lang: str, kind: str):  # type: ignore[no-untyped-def]
    _check(lang, kind)
    if request.method == "GET":
        # A bookmark or a reload of the switch: the form itself.
        return redirect(url_for("apply.form", lang=lang, kind=kind), 303)
    form = build_form(lang, kind, request.form)
    try:
        validate_csrf(request.form.get("csrf_token"))
    except (ValidationError, CSRFError):
        # As the form itself does: the answers come back with a fresh token and a word why.
        notice = _(
            "Your form was open for a long time, so for your security we could not send it "
            "yet. Your answers are still here: check them and send the form again."
        )
        return render_form(lang, kind, form, 400, notice)
    return render_form(lang, kind, form)
