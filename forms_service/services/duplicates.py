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


def link_duplicates(session: Session, application: Application) -> list[Application]:
    """Link `application` (flushed) both ways to every earlier one sharing a key."""
    own = {"email": application.email_key, "phone": application.phone_key,
           "name": application.name_key}
    conditions = [
        getattr(Application, f"{key}_key") == value for key, value in own.items() if value
    ]
    if not conditions:
        return []
    earlier = session.scalars(
        select(Application).where(or_(*conditions), Application.id != application.id)
    ).all()
    for other in earlier:
        theirs = {"email": other.email_key, "phone": other.phone_key, "name": other.name_key}
        keys = ",".join(matching_keys(own, theirs))
        session.add(DuplicateLink(application_id=application.id, other_id=other.id, keys=keys))
        session.add(DuplicateLink(application_id=other.id, other_id=application.id, keys=keys))
    return list(earlier)
