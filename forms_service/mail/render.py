"""The messages an application causes, rendered from templates/email/ into outbox rows.

Each message is a pair of templates (.txt and .html, autoescaped) in the language of the
person who reads it: the applicant's for the confirmation, the branch's for the notification.

Both repeat the answers. The confirmation says when the call comes (the call-back promise in
data/programme.yml) and whom to write to if it does not; a reply reaches the branch's inbox.
A branch without an inbox of its own is read by another office: the notification says so at
the top and in its subject, so that office passes it on.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from forms_service.domain.text import has_control_chars
from forms_service.kinds import KINDS, call_back_days
from forms_service.mail.inboxes import inbox_of, overrides
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
        elif question.input_type == "tel" and value:
            text = readable_phone(str(value))
        else:
            text = question.display(value)
        rows.append(AnswerRow(str(question.label), text))
    return rows


def readable_phone(value: str) -> str:
    """A stored phone number (E.164) in groups, so a mistyped digit is easy to see."""
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def receiving_office(site: SiteData, branch: Branch) -> Branch:
    """The branch whose inbox receives `branch`'s mail (itself, else the head office that
    reads it), with the deployment's inbox overrides."""
    return site.branches.inbox_branch(branch, overrides())


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
    office = receiving_office(site, branch)
    branch_inbox = header_safe(inbox_of(site.branches, branch))
    context = dict(
        application=application,
        branch=branch,
        office=office,
        # Read by another office, which must pass it on.
        forwarded=office.id != branch.id,
        inbox=branch_inbox,
        days=call_back_days(),
        name=applicant_name(application.answers),
        kind=application.kind,
    )
    with force_locale(application.lang):
        rows = answer_rows(application, site, application.lang)
        confirmation = OutboxMessage(
            application_id=application.id,
            kind="confirmation",
            recipient=header_safe(application.email),
            # The confirmation invites questions: a reply reaches the branch, not the sender.
            reply_to=branch_inbox,
            subject=header_safe(
                render_template(
                    "email/confirmation_subject.txt", lang=application.lang, **context
                ).strip()
            ),
            body_text=render_template(
                "email/confirmation.txt", lang=application.lang, rows=rows, **context
            ),
            body_html=render_template(
                "email/confirmation.html", lang=application.lang, rows=rows, **context
            ),
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
                render_template(
                    "email/notification_subject.txt", lang=branch_lang, **context
                ).strip()
            ),
            body_text=render_template(
                "email/notification.txt", lang=branch_lang, rows=rows, **context
            ),
            body_html=render_template(
                "email/notification.html", lang=branch_lang, rows=rows, **context
            ),
        )
    return [confirmation, notification]
