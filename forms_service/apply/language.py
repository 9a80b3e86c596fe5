"""Switching language on a half-filled form, without JavaScript.

The header's language buttons on a form page send the form here, to the address of the form
in the other language: the same answers come back, in that language, unchecked (a half-filled
form shows no errors). Nothing is stored.
"""

from __future__ import annotations

from flask import redirect, request, url_for

from forms_service.apply import bp
from forms_service.apply.routes import _check, build_form, render_form


@bp.route("/<lang>/apply/<kind>/language/", methods=["GET", "POST"])
def language(lang: str, kind: str):  # type: ignore[no-untyped-def]
    _check(lang, kind)
    if request.method == "GET":
        # A bookmark or a reload of the switch: the form itself.
        return redirect(url_for("apply.form", lang=lang, kind=kind), 303)
    return render_form(lang, kind, build_form(lang, kind, request.form))
