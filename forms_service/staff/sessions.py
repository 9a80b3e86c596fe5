"""The workspace's information sessions: /staff/sessions/ (create, change, cancel) and the
attendance list of each. Scoped like applications: another branch's session is a 404."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_security import current_user

from forms_service.domain import sessions as rule
from forms_service.extensions import db
from forms_service.services import sessions as service
from forms_service.services import workspace
from forms_service.staff import bp
from forms_service.staff.forms import AttendanceForm, SessionForm
from forms_service.staff.routes import actor, now, staff_required
from sitedata import load_default


def _scope():  # type: ignore[no-untyped-def]
    return workspace.scope_of(current_user)


def _choices(site):  # type: ignore[no-untyped-def]
    visible = set(workspace.visible_branches(_scope(), site.branches))
    return [(b.id, b.name[current_user.lang]) for b in site.branches.branches if b.id in visible]


def _input(form: SessionForm) -> service.SessionInput:
    start = datetime.combine(form.day.data, form.time.data)
    online = form.format.data == "online"
    return service.SessionInput(
        branch_id=form.branch.data, starts_local=start, minutes=form.minutes.data,
        capacity=form.capacity.data, audience=form.audience.data, lang=form.lang.data,
        place=None if online else (form.place.data or "").strip(),
        online_url=(form.online_url.data or "").strip() if online else None,
    )


def _views(rows, site, lang):  # type: ignore[no-untyped-def]
    return [
        dict(s=r, when=rule.when_in_words(r.starts_at, r.ends_at,
                                          site.branches.timezone_of(r.branch_id), lang),
             branch=site.branches.get(r.branch_id))
        for r in rows
    ]


@bp.route("/sessions/", methods=["GET", "POST"])
@staff_required
def sessions_view():  # type: ignore[no-untyped-def]
    site = load_default()
    form = SessionForm()
    form.branch.choices = _choices(site)
    if form.validate_on_submit():
        try:
            row = service.create(db.session, site, _input(form), actor(), now(), scope=_scope())
        except service.SessionRefused as exc:
            form.day.errors.append(str(exc))
        except service.SessionNotFound:
            abort(404)
        else:
            db.session.commit()
            flash(_("The session was added."), "success")
            return redirect(url_for("staff.session_detail", session_id=row.id), 303)
    past = request.args.get("past") == "1"
    rows = service.staff_list(db.session, _scope(), site, now(), past=past)
    return render_template("staff/sessions.html", form=form, rows=_views(rows, site,
                           current_user.lang), past=past), 400 if form.errors else 200


@bp.route("/sessions/<int:session_id>/", methods=["GET", "POST"])
@staff_required
def session_detail(session_id: int):  # type: ignore[no-untyped-def]
    site = load_default()
    try:
        row, bookings, references = service.attendance_list(db.session, _scope(), site,
                                                            session_id)
    except service.SessionNotFound:
        abort(404)
    tz = site.branches.timezone_of(row.branch_id)
    form = SessionForm(obj=None)
    form.branch.choices = _choices(site)
    if request.method == "GET":
        local = rule.local_time(row.starts_at, tz)
        form.branch.data, form.day.data, form.time.data = row.branch_id, local.date(), \
            local.time().replace(second=0, microsecond=0)
        form.minutes.data = int((row.ends_at - row.starts_at).total_seconds() // 60)
        form.capacity.data, form.audience.data, form.lang.data = row.capacity, row.audience, \
            row.lang
        form.format.data = "online" if row.online_url else "place"
        form.place.data, form.online_url.data = row.place, row.online_url
    elif request.form.get("action") == "change" and form.validate_on_submit():
        try:
            service.change(db.session, _scope(), site, row.id, _input(form), actor(), now())
        except service.SessionRefused as exc:
            form.day.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("The session was changed. Everyone booked has been told."), "success")
            return redirect(url_for("staff.session_detail", session_id=row.id), 303)
    return render_template(
        "staff/session.html", v=_views([row], site, current_user.lang)[0], form=form,
        bookings=bookings, references=references, attendance=AttendanceForm(),
    ), 400 if form.errors else 200


@bp.route("/sessions/<int:session_id>/cancel", methods=["POST"])
@staff_required
def session_cancel(session_id: int):  # type: ignore[no-untyped-def]
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        service.cancel_session(db.session, _scope(), load_default(), session_id, actor(), now())
    except service.SessionNotFound:
        abort(404)
    db.session.commit()
    flash(_("The session was cancelled. Everyone booked has been told."), "success")
    return redirect(url_for("staff.session_detail", session_id=session_id), 303)


@bp.route("/sessions/<int:session_id>/attendance/<int:booking_id>", methods=["POST"])
@staff_required
def session_attendance(session_id: int, booking_id: int):  # type: ignore[no-untyped-def]
    form = AttendanceForm()
    if not form.validate_on_submit() or form.present.data not in ("1", "0"):
        abort(400)
    try:
        service.mark_attendance(db.session, _scope(), load_default(), session_id, booking_id,
                                form.present.data == "1", actor(), now())
    except service.SessionNotFound:
        abort(404)
    db.session.commit()
    return redirect(url_for("staff.session_detail", session_id=session_id) + "#attendance",
                    303)
