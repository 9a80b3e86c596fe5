"""Linking an application to earlier ones from probably the same person (both ways)."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from forms_service.domain.duplicates import fold, keys_of, matching_keys
from forms_service.models import Application, DuplicateLink


def set_keys(application: Application) -> None:
    """Fill the columns the duplicate checks and the staff search read."""
    keys = keys_of(application.email, application.answers)
    application.email_key = keys["email"]
    application.phone_key = keys["phone"]
    application.name_key = keys["name"]
    answers = application.answers
    name = answers.get("contact_name") or " ".join(
        str(p) for p in (answers.get("first_name"), answers.get("last_name")) if p
    )
    application.search_name = fold(str(name))[:255] or None


# The earlier applications a new one is linked to, newest first, at most. Someone who applied
# many times (or many forms sent with one stranger's number) must not make each new
# application cost more than the last: the newest are linked, and each of them to its own
# earlier ones, so staff can follow the chain.
MAX_LINKS = 10


def link_duplicates(session: Session, application: Application) -> list[int]:
    """Link `application` (flushed) both ways to the newest earlier ones sharing a key (at
    most MAX_LINKS); their ids."""
    own = {"email": application.email_key, "phone": application.phone_key,
           "name": application.name_key}
    conditions = [
        getattr(Application, f"{key}_key") == value for key, value in own.items() if value
    ]
    if not conditions:
        return []
    earlier = session.execute(
        select(Application.id, Application.email_key, Application.phone_key,
               Application.name_key)
        .where(or_(*conditions), Application.id != application.id)
        .order_by(Application.id.desc()).limit(MAX_LINKS)
    ).all()
    for other_id, email, phone, name in earlier:
        keys = ",".join(matching_keys(own, {"email": email, "phone": phone, "name": name}))
        session.add(DuplicateLink(application_id=application.id, other_id=other_id, keys=keys))
        session.add(DuplicateLink(application_id=other_id, other_id=application.id, keys=keys))
    return [row[0] for row in earlier]
