"""Storing an application: one transaction writes the row and its two outbox messages."""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import render_template
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forms_service.data import Branch, SiteData
from forms_service.extensions import db
from forms_service.forms import FIELD_ORDER, ApplicationForm
from forms_service.inboxes import inbox_of
from forms_service.models import Application, OutboxMessage
from forms_service.validators import has_control_chars

log = logging.getLogger(__name__)

# No 0/O, 1/I/L, 5/S, 8/B: a reference read out on the phone cannot be misheard.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
NOT_ANSWERS = {"csrf_token", "submission_token", "website", "consent"}


def new_reference() -> str:
    return "DUO-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str


def answers_of(form: ApplicationForm) -> dict[str, Any]:
    return {name: field.data for name, field in form._fields.items() if name not in NOT_ANSWERS}


def answer_rows(form: ApplicationForm, kind: str) -> list[AnswerRow]:
    """Each question and its answer as people read them, in the current locale."""
    rows = []
    for name in FIELD_ORDER[kind]:
        if name == "consent":
            continue
        field = form[name]
        data = field.data
        if hasattr(field, "choices") and field.choices:
            labels = {str(c.value): str(c.label) for c in field.choices}
            if isinstance(data, list):
                value = ", ".join(labels.get(d, d) for d in data)
            else:
                value = labels.get(data, data or "") if data else ""
        else:
            value = str(data or "")
        rows.append(AnswerRow(str(field.label.text), value))
    return rows


def header_safe(value: str) -> str:
    """A value bound for an e-mail header; refuses line breaks (header injection)."""
    if has_control_chars(value):
        raise ValueError("line break in an e-mail header value")
    return value


def applicant_name(answers: dict[str, Any]) -> str:
    if "contact_name" in answers:
        return str(answers["contact_name"])
    return " ".join(p for p in (answers.get("first_name"), answers.get("last_name")) if p)


def find(reference: str) -> Application | None:
    return db.session.scalar(select(Application).where(Application.reference == reference))


def find_by_token(token: str) -> Application | None:
    return db.session.scalar(select(Application).where(Application.submission_token == token))


def submit(form: ApplicationForm, kind: str, lang: str, site: SiteData) -> Application:
    """Store a valid application with its messages; a resent form returns the first one."""
    token = form.submission_token.data or ""
    if not TOKEN_SHAPE.fullmatch(token):
        # Not a token this service wrote (the column holds 64 characters): a fresh one.
        token = new_submission_token()
    # A resent form (back, then send again) is caught by the unique token on insert below,
    # so the common case, a first send, costs no extra query.
    branch = form.routed_branch()
    answers = answers_of(form)
    now = datetime.now(UTC)
    application = Application(
        reference=new_reference(),
        submission_token=token,
        kind=kind,
        lang=lang,
        branch_id=branch.id,
        email=answers["email"],
        answers=answers,
        consent_at=now,
        privacy_version=site.programme.privacy.version,
        status="new",
        created_at=now,
        updated_at=now,
    )
    db.session.add(application)
    for _ in range(5):
        try:
            db.session.flush()
            break
        except IntegrityError:
            db.session.rollback()
            again = find_by_token(token)
            if again is not None:  # the same form, sent twice at once
                return again
            application.reference = new_reference()
            db.session.add(application)
    messages = outbox_messages(form, application, branch, site)
    db.session.add_all(messages)
    db.session.commit()
    log.info(
        "application %s stored (kind %s, branch %s); outbox %s",
        application.reference,
        kind,
        branch.id,
        ", ".join(f"{m.id} ({m.kind}) pending" for m in messages),
    )
    return application


def outbox_messages(
    form: ApplicationForm, application: Application, branch: Branch, site: SiteData
) -> list[OutboxMessage]:
    """The confirmation (applicant's language) and the notification (branch's language)."""
    name = applicant_name(application.answers)
    context = dict(
        application=application,
        branch=branch,
        name=name,
        kind=application.kind,
    )
    branch_inbox = header_safe(inbox_of(site.branches, branch))
    confirmation = OutboxMessage(
        application_id=application.id,
        kind="confirmation",
        recipient=header_safe(application.email),
        # The confirmation invites questions: a reply reaches the branch, not the sender.
        reply_to=branch_inbox,
        subject=header_safe(
            render_template("email/confirmation_subject.txt", **context).strip()
        ),
        body_text=render_template("email/confirmation.txt", lang=application.lang, **context),
        body_html=render_template("email/confirmation.html", lang=application.lang, **context),
    )
    branch_lang = branch.languages[0]
    with force_locale(branch_lang):
        rows = answer_rows(form, application.kind)
        notification = OutboxMessage(
            application_id=application.id,
            kind="notification",
            recipient=branch_inbox,
            reply_to=header_safe(application.email),
            subject=header_safe(
                render_template("email/notification_subject.txt", **context).strip()
            ),
            body_text=render_template(
                "email/notification.txt", lang=branch_lang, rows=rows, **context
            ),
            body_html=render_template(
                "email/notification.html", lang=branch_lang, rows=rows, **context
            ),
        )
    return [confirmation, notification]
