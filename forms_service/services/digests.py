"""The daily summary for each member of staff who wants it: new and overdue counts per
branch, and a link. No personal data."""

from __future__ import annotations

from datetime import datetime

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms_service.domain.scope import visible_branches
from forms_service.mail.staff_messages import digest_message
from forms_service.models import Application, User
from forms_service.services.workspace import is_overdue_clause, scope_of
from sitedata.models import SiteData


def counts_for(session: Session, user: User, site: SiteData, now: datetime) -> dict[str, dict]:
    """Branch name (in the person's language) -> {"new": n, "overdue": m}."""
    ids = visible_branches(scope_of(user), site.branches)
    new = dict(session.execute(
        select(Application.branch_id, func.count())
        .where(Application.branch_id.in_(ids), Application.status == "new")
        .group_by(Application.branch_id)
    ).all())
    overdue = dict(session.execute(
        select(Application.branch_id, func.count())
        .where(Application.branch_id.in_(ids), is_overdue_clause(site, now))
        .group_by(Application.branch_id)
    ).all())
    return {
        site.branches.get(b).name[user.lang]: {"new": new.get(b, 0), "overdue": overdue.get(b, 0)}
        for b in ids
    }


def queue_digests(session: Session, site: SiteData, now: datetime) -> int:
    users = session.scalars(
        select(User).where(User.active.is_(True), User.digest.is_(True)).order_by(User.id)
    ).all()
    link = url_for("staff.queue", _external=True)
    count = 0
    for user in users:
        counts = counts_for(session, user, site, now)
        if counts:
            session.add(digest_message(user, counts, link))
            count += 1
    return count
