"""The messages an application causes, rendered from templates/email/ into outbox rows.

Each message is a pair of templates (.txt and .html, autoescaped) in the language of the
person who reads it: the applicant's for the confirmation, the branch's for the notification.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from forms_service.domain.text import has_control_chars
from forms_service.kinds import KINDS
from forms_service.mail.inboxes import inbox_of
from forms_service.models import Application, OutboxMessage
from sitedata.models import Branch, SiteData


@dataclass(frozen=True)
class AnswerRow:
    label: str
    value: str


def answer_rows(application: Application, site: SiteData, lang: str) -> list[AnswerRow]:
    """Each question and its answer as people read them, in the current locale."""
    kind = KINDS[application.kind]
    rows = []
    for question in kind.questions:
        if question.name == "consent":
            continue
        value = application.answers.get(question.name)
        if question.name == "branch":
            text = site.branches.get(value).name[lang] if value else _("Let us choose")
        else:
            text = question.display(value)
        rows.append(AnswerRow(str(question.label), text))
    return rows


def header_safe(value: str) -> str:
    """A value bound for an e-mail header; refuses line breaks (header injection)."""
    if has_control_chars(value):
        raise ValueError("line break in an e-mail header value")
    return value


def applicant_name(answers: dict) -> str:
    if "contact_name" in answers:
        return str(answers["contact_name"])
    return " ".join(p for p in (answers.get("first_name"), answers.get("last_name")) if p)


def application_messages(
    application: Application, branch: Branch, site: SiteData
) -> list[OutboxMessage]:
    """The confirmation (applicant's language) and the notification (branch's language)."""
    context = dict(
        application=application,
        branch=branch,
        name=applicant_name(application.answers),
        kind=application.kind,
    )
    branch_inbox = header_safe(inbox_of(site.branches, branch))
    with force_locale(application.lang):
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
        rows = answer_rows(application, site, branch_lang)
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
