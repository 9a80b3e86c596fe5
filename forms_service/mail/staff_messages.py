"""The workspace's e-mails, as outbox rows: a reassignment for the new branch's coordinators,
the invitation to set a password, and the daily digest."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import render_template
from flask_babel import force_locale

from forms_service.mail.inboxes import inbox_of
from forms_service.mail.render import header_safe
from forms_service.models import Application, OutboxMessage, User
from sitedata.models import Branch, SiteData


def _message(
    template: str, kind: str, recipient: str, lang: str, application_id: int | None = None,
    reply_to: str | None = None, **context: Any,
) -> OutboxMessage:
    with force_locale(lang):
        return OutboxMessage(
            application_id=application_id,
            kind=kind,
            recipient=header_safe(recipient),
            reply_to=header_safe(reply_to) if reply_to else None,
            subject=header_safe(
                render_template(f"email/{template}_subject.txt", lang=lang, **context).strip()
            ),
            body_text=render_template(f"email/{template}.txt", lang=lang, **context),
            body_html=render_template(f"email/{template}.html", lang=lang, **context),
        )


def reassignment_messages(
    application: Application, old: Branch, new: Branch, coordinators: Sequence[User],
    reason: str, site: SiteData,
) -> list[OutboxMessage]:
    """One message per coordinator of the new branch, in their language; the branch inbox
    when the branch has no coordinator yet. No answers in it: the link leads to them."""
    recipients = [(u.email, u.lang) for u in coordinators] or [
        (inbox_of(site.branches, new), new.languages[0])
    ]
    return [
        _message(
            "reassigned", "reassignment", email, lang, application.id,
            application=application, old=old, new=new, reason=reason,
        )
        for email, lang in recipients
    ]


def invitation_message(user: User, link: str, valid_hours: int) -> OutboxMessage:
    return _message(
        "staff_invitation", "invitation", user.email, user.lang, user=user, link=link,
        valid_hours=valid_hours,
    )


def digest_message(user: User, counts: dict[str, int], link: str) -> OutboxMessage:
    """New and overdue counts per branch, and a link: no personal data."""
    return _message("digest", "digest", user.email, user.lang, counts=counts, link=link,
                    user=user)
