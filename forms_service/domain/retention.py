"""How long personal data is kept: dates only, the queries are in services.privacy."""

from __future__ import annotations

import calendar
from datetime import datetime


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier, clamped to the month's last day (31 → 30)."""
    index = moment.year * 12 + (moment.month - 1) - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def retention_cutoff(now: datetime, retention_months: int) -> datetime:
    """Applications whose last change is before this moment are past retention."""
    return months_before(now, retention_months)
