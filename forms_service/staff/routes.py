"""The workspace's views. Thin: read the request, call services.workspace with the signed-in
person's scope, render or redirect. An application outside the scope is a 404."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from functools import wraps
from typing import Any

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_datetime, format_decimal
from flask_babel import gettext as _
from flask_security import auth_required, current_user

from forms_service.domain.csvsafe import neutralise
from forms_service.domain.scope import ROLES
from forms_service.extensions import db
from forms_service.kinds import KINDS
from forms_service.services import accounts, audit, dashboard, privacy, workspace
from forms_service.services.workspace import NotFound, QueueFilter, Refused
from forms_service.staff import bp
from forms_service.staff.forms import (
    AccountForm,
    ActionForm,
    DuplicateForm,
    EraseForm,
    MoveForm,
    MyAccountForm,
    NoteForm,
    ReassignForm,
)
from sitedata import load_default

# A fresh sign-in (password and code) within this many minutes before an export, an erasure
# or an account change.
FRESH_MINUTES = 5


def now() -> datetime:
    return datetime.now(UTC)


@bp.app_template_filter("staff_datetime")
def staff_datetime(moment: datetime) -> str:
    """A date and time in the reader's language, in the branches' time zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return format_datetime(moment, "short")


@bp.app_template_filter("staff_number")
def staff_number(value: float) -> str:
    return format_decimal(value)


def staff_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Signed in (Flask-Security-Too: password and second factor), with a workspace role."""

    @auth_required("session")
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role not in ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def fresh_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """As staff_required, and signed in again within FRESH_MINUTES (else: sign in again)."""
    return auth_required("session", within=FRESH_MINUTES, grace=0)(staff_required(view))


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    @staff_required
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_user.role != "admin":
            abort(404)
        return view(*args, **kwargs)

    return wrapper


def scope():  # type: ignore[no-untyped-def]
    return workspace.scope_of(current_user)


def actor() -> str:
    return current_user.email


def current_filter() -> QueueFilter:
    args = request.args
    try:
        page = int(args.get("page", "1"))
    except ValueError:
        page = 1
    return QueueFilter(
        kind=args.get("kind") or None, status=args.get("status") or None,
        branch=args.get("branch") or None, waiting=args.get("waiting") or None,
        q=(args.get("q") or "").strip()[:100] or None, page=page,
    )


def found(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except NotFound:
        abort(404)


def branch_choices(site) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    lang = current_user.lang
    visible = set(workspace.visible_branches(scope(), site.branches))
    return [(b.id, b.name[lang]) for b in site.branches.branches if b.id in visible]


@bp.route("/")
@staff_required
def queue():  # type: ignore[no-untyped-def]
    site = load_default()
    flt = current_filter()
    page = workspace.queue(db.session, scope(), site, flt, now())
    return render_template(
        "staff/queue.html", page=page, flt=flt, site=site, branches=branch_choices(site),
        pipeline=site.programme.pipeline,
    )


@bp.route("/applications/<reference>/")
@staff_required
def application(reference: str):  # type: ignore[no-untyped-def]
    site = load_default()
    app_row = found(lambda: workspace.view(db.session, scope(), site, reference, actor(), now()))
    reassign = ReassignForm()
    reassign.branch.choices = [
        (b.id, b.name[current_user.lang]) for b in site.branches.branches
        if b.id != app_row.branch_id
    ]
    return render_template(
        "staff/application.html", a=app_row, site=site, kind=KINDS[app_row.kind],
        moves=workspace.moves(site, app_row), history=workspace.history(db.session, app_row),
        links=workspace.duplicates(db.session, scope(), site, app_row),
        overdue=workspace.is_overdue(app_row, site, now()),
        move_form=MoveForm(), note_form=NoteForm(), reassign_form=reassign,
        duplicate_form=DuplicateForm(),
    )


def _back(reference: str):  # type: ignore[no-untyped-def]
    return redirect(url_for("staff.application", reference=reference), 303)


@bp.route("/applications/<reference>/move", methods=["POST"])
@staff_required
def move(reference: str):  # type: ignore[no-untyped-def]
    form = MoveForm()
    site = load_default()
    found(lambda: workspace.get(db.session, scope(), site, reference))
    if form.validate_on_submit():
        try:
            workspace.move(db.session, scope(), site, reference, form.to.data,
                           form.reason.data, actor(), now())
            flash(_("Status changed."), "success")
        except Refused:
            flash(_("This change needs a reason, or does not follow the steps."), "error")
    return _back(reference)


@bp.route("/applications/<reference>/note", methods=["POST"])
@staff_required
def note(reference: str):  # type: ignore[no-untyped-def]
    form = NoteForm()
    site = load_default()
    found(lambda: workspace.get(db.session, scope(), site, reference))
    if form.validate_on_submit():
        workspace.add_note(db.session, scope(), site, reference, form.text.data, actor(), now())
        flash(_("Note added."), "success")
    else:
        flash(_("Write the note first."), "error")
    return _back(reference)


@bp.route("/applications/<reference>/reassign", methods=["POST"])
@staff_required
def reassign(reference: str):  # type: ignore[no-untyped-def]
    site = load_default()
    found(lambda: workspace.get(db.session, scope(), site, reference))
    form = ReassignForm()
    form.branch.choices = [(b.id, b.id) for b in site.branches.branches]
    if form.validate_on_submit():
        try:
            workspace.reassign(db.session, scope(), site, reference, form.branch.data,
                               form.reason.data, actor(), now())
        except Refused:
            flash(_("Choose another branch and say why it moves."), "error")
            return _back(reference)
        flash(_("The application was moved. Its new branch has been told."), "success")
        # It may now be outside this person's scope: back to the queue.
        return redirect(url_for("staff.queue"), 303)
    flash(_("Choose another branch and say why it moves."), "error")
    return _back(reference)


@bp.route("/applications/<reference>/duplicates/<int:link_id>", methods=["POST"])
@staff_required
def duplicate(reference: str, link_id: int):  # type: ignore[no-untyped-def]
    form = DuplicateForm()
    site = load_default()
    if not form.validate_on_submit():
        abort(400)
    found(lambda: workspace.mark_duplicate(
        db.session, scope(), site, reference, link_id, form.verdict.data, actor(), now()
    ))
    flash(_("Saved."), "success")
    return _back(reference)


CSV_COLUMNS = ("reference", "kind", "status", "branch", "created", "first_contact",
               "first_name", "last_name", "organisation", "contact_name", "email", "phone",
               "country", "postcode")


def csv_lines(rows: Iterator[Any]) -> Iterator[str]:
    """UTF-8 with a BOM (spreadsheets read it as UTF-8), every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    writer.writerow(CSV_COLUMNS)
    for a in rows:
        answers = a.answers or {}
        writer.writerow([neutralise(v) for v in (
            a.reference, a.kind, a.status, a.branch_id,
            a.created_at.strftime("%Y-%m-%d %H:%M"),
            a.first_contact_at.strftime("%Y-%m-%d %H:%M") if a.first_contact_at else "",
            *(answers.get(k, "") for k in CSV_COLUMNS[6:12]),
            answers.get("country", ""), answers.get("postcode", ""),
        )])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


@bp.route("/applications.csv")
@fresh_required
def export_csv():  # type: ignore[no-untyped-def]
    site = load_default()
    flt = current_filter()
    moment = now()
    audit.record(db.session, actor(), "export", moment,
                 subject="csv " + json.dumps(flt.query_args(), ensure_ascii=False))
    db.session.commit()
    rows = workspace.export_rows(db.session, scope(), site, flt, moment)
    response = Response(stream_with_context(csv_lines(rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="applications-{moment:%Y%m%d-%H%M}.csv"'
    )
    return response


@bp.route("/dashboard/")
@staff_required
def dashboard_view():  # type: ignore[no-untyped-def]
    site = load_default()
    branch = request.args.get("branch") or None
    choices = branch_choices(site)
    if branch and branch not in {b for b, _ in choices}:
        abort(404)
    board = dashboard.dashboard(db.session, scope(), site, now(), branch)
    return render_template(
        "staff/dashboard.html", board=board, site=site, branches=choices, branch=branch,
        pipeline=site.programme.pipeline,
    )


@bp.route("/applications/<reference>/privacy/", methods=["GET", "POST"])
@fresh_required
def person_privacy(reference: str):  # type: ignore[no-untyped-def]
    """Export or erase everything about the person who sent this application."""
    site = load_default()
    app_row = found(lambda: workspace.get(db.session, scope(), site, reference))
    erase_form, export_form = EraseForm(prefix="erase"), ActionForm(prefix="export")
    if request.method == "POST" and request.form.get("action") == "export":
        if export_form.validate_on_submit():
            data = privacy.export(db.session, app_row.email)
            audit.record(db.session, actor(), "export", now(), app_row.id, app_row.reference)
            db.session.commit()
            body = json.dumps(data, ensure_ascii=False, indent=2)
            return Response(body, mimetype="application/json", headers={
                "Content-Disposition": f'attachment; filename="{app_row.reference}.json"'
            })
    if request.method == "POST" and request.form.get("action") == "erase":
        if erase_form.validate_on_submit():
            counts = privacy.erase(db.session, app_row.email)
            audit.record(db.session, actor(), "erase", now(),
                         subject=f"{counts['applications']} application(s)")
            db.session.commit()
            flash(_("Everything about this person was erased."), "success")
            return redirect(url_for("staff.queue"), 303)
    return render_template(
        "staff/privacy.html", a=app_row, erase_form=erase_form, export_form=export_form,
        others=privacy.applications_of(db.session, app_row.email),
    )


@bp.route("/account/", methods=["GET", "POST"])
@staff_required
def my_account():  # type: ignore[no-untyped-def]
    form = MyAccountForm(obj=current_user)
    if form.validate_on_submit():
        current_user.lang = form.lang.data if form.lang.data in ("fr", "nl", "en") else "fr"
        current_user.digest = bool(form.digest.data)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("staff.my_account"), 303)
    return render_template("staff/account.html", form=form)


@bp.route("/accounts/", methods=["GET", "POST"])
@admin_required
@fresh_required
def accounts_view():  # type: ignore[no-untyped-def]
    site = load_default()
    form = AccountForm()
    form.branches.choices = [(b.id, b.name[current_user.lang]) for b in site.branches.branches]
    link = None
    if form.validate_on_submit():
        data = accounts.NewStaff(
            email=form.email.data.strip(), role=form.role.data,
            branches=tuple(form.branches.data or ()), country=form.country.data or None,
            lang=form.lang.data or "fr",
        )
        try:
            user = accounts.add_staff(db.session, data, site, actor(), now())
        except accounts.AccountRefused as exc:
            db.session.rollback()
            form.email.errors.append(str(exc))
        else:
            link = accounts.password_link(db.session, user)
            db.session.commit()
            flash(_("The account was made and the invitation e-mail queued."), "success")
    return render_template(
        "staff/accounts.html", form=form, people=accounts.staff_list(db.session), link=link,
        site=site,
    )


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@admin_required
@fresh_required
def account_active(user_id: int):  # type: ignore[no-untyped-def]
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        accounts.set_active(db.session, user_id, request.form.get("active") == "1", actor(), now())
    except accounts.AccountRefused:
        abort(404)
    db.session.commit()
    return redirect(url_for("staff.accounts_view"), 303)


@bp.route("/audit/")
@admin_required
def audit_view():  # type: ignore[no-untyped-def]
    before = request.args.get("before", type=int)
    return render_template("staff/audit.html", entries=audit.entries(db.session, before_id=before))
