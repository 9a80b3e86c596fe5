"""Staff accounts: adding a person with a role and a scope, and the single-use link with
which they set their password (Flask-Security-Too's reset token, valid 72 hours)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_security import hash_password, url_for_security
from flask_security.recoverable import generate_reset_password_token
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms_service.domain.scope import ROLES
from forms_service.mail.staff_messages import invitation_message
from forms_service.models import Role, StaffBranch, User
from forms_service.services import audit
from sitedata.models import SiteData
from sitedata.urls import LANGUAGES


class AccountRefused(ValueError):
    """The account cannot be made as asked (the message says why, for the operator)."""


@dataclass(frozen=True)
class NewStaff:
    email: str
    role: str
    branches: tuple[str, ...] = ()
    country: str | None = None
    lang: str = "fr"


def check(data: NewStaff, site: SiteData) -> None:
    if data.role not in ROLES:
        raise AccountRefused(f"role must be one of {', '.join(ROLES)}")
    if data.lang not in LANGUAGES:
        raise AccountRefused(f"language must be one of {', '.join(LANGUAGES)}")
    known = {b.id for b in site.branches.branches}
    unknown = sorted(set(data.branches) - known)
    if unknown:
        raise AccountRefused(f"unknown branch(es): {', '.join(unknown)}")
    if data.role == "coordinator" and not data.branches:
        raise AccountRefused("a coordinator needs at least one --branch")
    if data.role == "country" and data.country not in site.branches.countries:
        raise AccountRefused("a country lead needs --country BE, FR or NL")
    if "@" not in data.email:
        raise AccountRefused("not an e-mail address")


def role(session: Session, name: str) -> Role:
    found = session.scalar(select(Role).where(Role.name == name))
    if found is None:
        found = Role(name=name)
        session.add(found)
    return found


def add_staff(
    session: Session, data: NewStaff, site: SiteData, actor: str, now: datetime
) -> User:
    """Create the account (no usable password yet); the caller sends the set-password link."""
    check(data, site)
    email = data.email.strip()
    if session.scalar(select(User).where(func.lower(User.email) == email.lower())):
        raise AccountRefused("an account with this e-mail address exists")
    datastore = current_app.extensions["security"].datastore
    user = datastore.create_user(
        email=email,
        # Nobody knows this password: the person sets theirs with the link.
        password=hash_password(secrets.token_urlsafe(32)),
        roles=[role(session, data.role)],
        active=True,
    )
    user.lang = data.lang
    user.country = data.country if data.role == "country" else None
    user.branch_links = [StaffBranch(branch_id=b) for b in sorted(set(data.branches))]
    session.flush()
    audit.record(session, actor, "account", now, subject=f"add {data.role} {email}")
    return user


def staff_list(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def set_active(session: Session, user_id: int, active: bool, actor: str, now: datetime) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise AccountRefused("no such account")
    user.active = active
    audit.record(session, actor, "account", now,
                 subject=f"{'enable' if active else 'disable'} {user.email}")
    return user


def valid_hours() -> int:
    within = current_app.config["SECURITY_RESET_PASSWORD_WITHIN"]
    return int(within.total_seconds() // 3600) if hasattr(within, "total_seconds") else 72


def password_link(session: Session, user: User) -> str:
    """The link, and its invitation e-mail queued in the caller's transaction."""
    token = generate_reset_password_token(user)
    link = url_for_security("reset_password", token=token, _external=True)
    session.add(invitation_message(user, link, valid_hours()))
    return link
