"""How far back the retention period reaches: whole months, clamped to a month's last day."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from forms_service.domain.retention import months_before, retention_cutoff


@pytest.mark.parametrize(
    "moment, months, expected",
    [
        (datetime(2026, 11, 22), 0, datetime(2026, 11, 22)),
        (datetime(2026, 11, 22), 1, datetime(2026, 10, 22)),
        (datetime(2026, 11, 22), 24, datetime(2024, 11, 22)),
        (datetime(2026, 1, 15), 1, datetime(2025, 12, 15)),  # into the year before
        (datetime(2026, 12, 15), 12, datetime(2025, 12, 15)),
        (datetime(2026, 12, 15), 11, datetime(2026, 1, 15)),
        (datetime(2026, 3, 31), 1, datetime(2026, 2, 28)),  # 31 March -> last day of February
        (datetime(2024, 3, 31), 1, datetime(2024, 2, 29)),  # a leap year
        (datetime(2026, 5, 31), 1, datetime(2026, 4, 30)),
        (datetime(2026, 7, 31), 1, datetime(2026, 6, 30)),
        (datetime(2026, 8, 31), 1, datetime(2026, 7, 31)),  # July has 31 days
        (datetime(2026, 1, 31), 2, datetime(2025, 11, 30)),
        (datetime(2026, 2, 28), 1, datetime(2026, 1, 28)),  # no clamp needed: the day stays
    ],
)
def test_months_before_is_the_same_day_or_the_months_last(
    moment: datetime, months: int, expected: datetime
) -> None:
    assert months_before(moment, months) == expected


def test_the_time_of_day_and_the_zone_are_kept() -> None:
    brussels = timezone(timedelta(hours=1))
    moment = datetime(2026, 11, 22, 3, 12, 9, 500, tzinfo=brussels)
    assert months_before(moment, 24) == datetime(2024, 11, 22, 3, 12, 9, 500, tzinfo=brussels)


def test_the_retention_cutoff_is_that_many_months_before_now() -> None:
    now = datetime(2026, 11, 22, 3, 12, tzinfo=UTC)
    assert retention_cutoff(now, 24) == datetime(2024, 11, 22, 3, 12, tzinfo=UTC)
    assert retention_cutoff(now, 6) == datetime(2026, 5, 22, 3, 12, tzinfo=UTC)
