"""The information sessions' public views. Thin: read, call services.sessions, render."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    abort,
    current_app,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import select

from forms_service.domain import links
from forms_service.domain import sessions as rule
from forms_service.extensions import db, limiter
from forms_service.models import Application, Booking, InfoSession
from forms_service.services import sessions as service
from forms_service.sessions import bp
from forms_service.sessions.forms import (
    QUESTIONS,
    BookingForm,
    ConfirmForm,
    FromApplicationForm,
)
from forms_service.web.pages import PRIVACY
from sitedata import LANGUAGES, load_default

# The thank-you page's booking button proves which application it comes from for a day.
FROM_APPLICATION_SALT = "book-from-application"
FROM_APPLICATION_MAX_AGE = 24 * 3600


# On the list of every branch, each shows this many sessions and links to the rest.
BRANCH_PREVIEW = 3
LIST_LIMIT = 5000


def now() -> datetime:
    return datetime.now(UTC)


def _lang(lang: str) -> None:
    if lang not in LANGUAGES:
        abort(404)


def _rate_limit() -> str:
    return current_app.config["APPLY_RATE_LIMIT"]


# Booking, cancelling and moving count against the same per-visitor limit as the forms; the
# signed-link pages also count on GET (guessing tokens is pointless, but it costs us).
limiter.limit(_rate_limit, methods=["POST"])(bp)


def link_limit() -> str:
    return current_app.config["SESSION_LINK_RATE_LIMIT"]


def session_view(row: InfoSession, lang: str) -> dict:
    """What a person reads about a session: the date in words at the venue's local time."""
    site = load_default()
    tz = site.branches.timezone_of(row.branch_id)
    local = rule.local_time(row.starts_at, tz)
    return dict(
        s=row, branch=site.branches.get(row.branch_id),
        when=rule.when_in_words(row.starts_at, row.ends_at, tz, lang),
        iso=local.isoformat(), places=row.places_left,
    )


@bp.route("/<lang>/sessions/")
def listing(lang: str):  # type: ignore[no-untyped-def]
    _lang(lang)
    site = load_default()
    branch = request.args.get("branch") or None
    audience = request.args.get("audience") or None
    if branch and branch not in {b.id for b in site.branches.branches}:
        branch = None
    kind = audience if audience in ("mentor", "mentee") else None
    # Every branch shows its next few sessions, with a link to all of them: none is pushed
    # off the list by another branch's many sessions.
    shown = None if branch else BRANCH_PREVIEW
    rows = service.upcoming(db.session, site, now(), branch=branch, kind=kind,
                            with_online=False, limit=LIST_LIMIT)
    groups: dict[str, list[InfoSession]] = {}
    for row in rows:
        groups.setdefault(row.branch_id, []).append(row)
    ordered = [
        (site.branches.get(b), [session_view(r, lang) for r in groups[b][:shown]],
         len(groups[b]))
        for b in [b.id for b in site.branches.branches] if b in groups
    ]
    return render_template("sessions/list.html", lang=lang, groups=ordered, branch=branch,
                           audience=audience, site=site, kind=None)


def application_token(application: Application) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                        salt=FROM_APPLICATION_SALT)
    return serializer.dumps(application.id)


def application_from_token(token: str) -> Application | None:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"],
                                        salt=FROM_APPLICATION_SALT)
    try:
        application_id = serializer.loads(token, max_age=FROM_APPLICATION_MAX_AGE)
    except (BadSignature, ValueError):
        return None
    return db.session.get(Application, application_id) if isinstance(application_id, int) \
        else None


@bp.app_template_global("session_offer")
def session_offer(reference: str, lang: str) -> dict | None:
    """For the thank-you page: the next sessions of the applicant's branch and the online
    ones, for their audience, with a signed token so one button books."""
    application = db.session.scalar(
        select(Application).where(Application.reference == reference)
    ) if reference else None
    if application is None or application.kind not in ("mentor", "mentee"):
        return None
    site = load_default()
    rows = service.upcoming(db.session, site, now(), branch=application.branch_id,
                            kind=application.kind, with_online=True, limit=4)
    return {
        "sessions": [session_view(r, lang) for r in rows],
        "token": application_token(application),
        "form": FromApplicationForm(),
    }


def _booked_redirect(booking: Booking, lang: str):  # type: ignore[no-untyped-def]
    token = links.make(current_app.config["SECRET_KEY"], "view", booking.id,
                       booking.link_version)
    return redirect(url_for("sessions.booked", lang=lang, token=token), 303)


@bp.route("/<lang>/sessions/<int:session_id>/book", methods=["GET", "POST"])
def book(lang: str, session_id: int):  # type: ignore[no-untyped-def]
    _lang(lang)
    site = load_default()
    try:
        row = service.public_session(db.session, session_id, now())
    except service.SessionNotFound:
        abort(404)
    view = session_view(row, lang)
    closed = service.is_closed(row, now())
    if request.method == "POST" and "application" in request.form:
        quick = FromApplicationForm()
        application = application_from_token(quick.application.data or "") \
            if quick.validate_on_submit() else None
        if application is None:
            return render_template("sessions/bad_link.html", lang=lang, kind=None), 400
        answers = application.answers
        data = service.BookingInput(
            session_id=row.id, lang=lang, email=application.email, kind=application.kind,
            name=" ".join(p for p in (answers.get("first_name"), answers.get("last_name")) if p),
            phone=answers.get("phone"), application_id=application.id,
            waiting_list=request.form.get("waiting_list") == "1",
        )
        return _book(data, lang, view, None)
    form = BookingForm()
    if not closed and form.validate_on_submit():
        data = service.BookingInput(
            session_id=row.id, lang=lang, name=form.name.data, email=form.email.data,
            phone=form.phone.data or None, kind=None,
            waiting_list=form.waiting_list.data == "1",
        )
        return _book(data, lang, view, form)
    status = 400 if request.method == "POST" else 200
    return render_template("sessions/book.html", lang=lang, kind=None, form=form, closed=closed,
                           privacy_url=PRIVACY[lang], site=site, questions=QUESTIONS,
                           **view), status


def _book(data: service.BookingInput, lang: str, view: dict, form: BookingForm | None):  # type: ignore[no-untyped-def]
    site = load_default()
    try:
        booking = service.book(db.session, site, data, now())
    except service.AlreadyBooked as exc:
        return _booked_redirect(exc.booking, lang)
    except service.Full:
        form = form or BookingForm()
        return render_template("sessions/book.html", lang=lang, kind=None, form=form,
                               closed=False, full=True, privacy_url=PRIVACY[lang], site=site,
                               questions=QUESTIONS, quick=data if data.application_id else None,
                               **view), 409
    except service.Closed:
        return render_template("sessions/book.html", lang=lang, kind=None, form=BookingForm(),
                               closed=True, privacy_url=PRIVACY[lang], site=site,
                               questions=QUESTIONS, **view), 409
    return _booked_redirect(booking, lang)


def _booking_from(token: str, purpose: str) -> Booking:
    """The booking a link is about, or an error page (raised as an abort with a page)."""
    secret = current_app.config["SECRET_KEY"]
    try:
        data = links.read(secret, purpose, token)
    except links.LinkExpired:
        raise BadLink("expired") from None
    except links.LinkInvalid:
        raise BadLink("invalid") from None
    booking = db.session.get(Booking, data.booking_id)
    if booking is None or booking.link_version != data.version:
        raise BadLink("used")
    return booking


class BadLink(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@bp.errorhandler(BadLink)
def bad_link(error: BadLink):  # type: ignore[no-untyped-def]
    lang = (request.view_args or {}).get("lang")
    lang = lang if lang in LANGUAGES else "fr"
    return render_template("sessions/bad_link.html", lang=lang, kind=None,
                           reason=error.reason), 410 if error.reason == "used" else 400


@bp.route("/<lang>/sessions/booked/<token>/")
@limiter.limit(link_limit)
def booked(lang: str, token: str):  # type: ignore[no-untyped-def]
    _lang(lang)
    booking = _booking_from(token, "view")
    row = db.session.get(InfoSession, booking.session_id)
    secret = current_app.config["SECRET_KEY"]
    actions = {p: links.make(secret, p, booking.id, booking.link_version)
               for p in ("cancel", "move")}
    return render_template("sessions/booked.html", lang=lang, kind=None, booking=booking,
                           actions=actions, **session_view(row, lang))


@bp.route("/<lang>/sessions/cancel/<token>/", methods=["GET", "POST"])
@limiter.limit(link_limit)
def cancel_booking(lang: str, token: str):  # type: ignore[no-untyped-def]
    _lang(lang)
    booking = _booking_from(token, "cancel")
    row = db.session.get(InfoSession, booking.session_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            service.cancel_booking(db.session, load_default(), booking, now())
        except service.BookingChanged:
            raise BadLink("used") from None
        return render_template("sessions/cancelled.html", lang=lang, kind=None,
                               **session_view(row, lang))
    return render_template("sessions/cancel.html", lang=lang, kind=None, form=form,
                           booking=booking, **session_view(row, lang))


@bp.route("/<lang>/sessions/move/<token>/", methods=["GET", "POST"])
@limiter.limit(link_limit)
def move_booking(lang: str, token: str):  # type: ignore[no-untyped-def]
    _lang(lang)
    booking = _booking_from(token, "move")
    site = load_default()
    row = db.session.get(InfoSession, booking.session_id)
    options = [session_view(s, lang) for s in service.upcoming(
        db.session, site, now(), branch=row.branch_id, kind=booking.kind, with_online=True,
        limit=20, exclude=row.id)]
    form = ConfirmForm()
    error = None
    if form.validate_on_submit():
        try:
            chosen = int(form.session_id.data or 0)
        except ValueError:
            chosen = 0
        if chosen in {o["s"].id for o in options}:
            try:
                new = service.move_booking(db.session, site, booking, chosen, now())
            except (service.Full, service.Closed):
                error = _("That session has just become full. Choose another one.")
            except service.AlreadyBooked as exc:
                return _booked_redirect(exc.booking, lang)
            else:
                return _booked_redirect(new, lang)
        else:
            error = _("Choose one of the sessions below.")
    return render_template("sessions/move.html", lang=lang, kind=None, form=form,
                           booking=booking, options=options, error=error,
                           **session_view(row, lang)), 400 if error else 200
