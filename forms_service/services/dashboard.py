"""A branch's figures for its coordinators: counts per status, time to first contact against
the promise, and applications per kind over the last twelve months."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from forms_service.domain.scope import Scope
from forms_service.models import Application
from forms_service.services.workspace import scoped
from sitedata.kinds import KINDS
from sitedata.models import SiteData


@dataclass(frozen=True)
class Dashboard:
    by_status: dict[str, int]
    median_contact_days: dict[int, float | None]  # window in days -> median, in days
    contacted_counts: dict[int, int]
    promise_days: int
    months: list[str]  # "2026-01" … the last twelve, oldest first
    per_kind: dict[str, list[int]]  # kind -> count per month



def last_months(now: datetime, count: int = 12) -> list[str]:
    year, month = now.year, now.month
    out = []
    for _ in range(count):
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return out[::-1]


def dashboard(
    session: Session, scope: Scope, site: SiteData, now: datetime, branch: str | None = None
) -> Dashboard:
    base = scoped(scope, site)
    if branch:
        base = base.where(Application.branch_id == branch)
    sub = base.subquery()
    by_status = dict(session.execute(
        select(sub.c.status, func.count()).group_by(sub.c.status)
    ).all())
    medians: dict[int, float | None] = {}
    counts: dict[int, int] = {}
    for window in (30, 90):
        rows = session.execute(
            select(sub.c.created_at, sub.c.first_contact_at).where(
                sub.c.first_contact_at.is_not(None),
                sub.c.created_at >= now - timedelta(days=window),
            )
        ).all()
        delays = [
            (contact - created).total_seconds() / 86400 for created, contact in rows
        ]
        medians[window] = round(statistics.median(delays), 1) if delays else None
        counts[window] = len(delays)
    months = last_months(now)
    start = datetime(int(months[0][:4]), int(months[0][5:]), 1, tzinfo=UTC)
    per_kind = {kind: [0] * len(months) for kind in KINDS}
    index = {m: i for i, m in enumerate(months)}
    for kind, created in session.execute(
        select(sub.c.kind, sub.c.created_at).where(sub.c.created_at >= start)
    ):
        key = f"{created.year:04d}-{created.month:02d}"
        if kind in per_kind and key in index:
            per_kind[kind][index[key]] += 1
    return Dashboard(
        by_status=by_status, median_contact_days=medians, contacted_counts=counts,
        promise_days=site.programme.call_back.days, months=months, per_kind=per_kind,
    )
