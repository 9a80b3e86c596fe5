"""Who may apply as mentor or mentee: pure functions over data/programme.yml (no Flask)."""

from __future__ import annotations

from dataclasses import dataclass

from sitedata.models import Eligibility


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    # Which rule failed ("mentor_min_age", "mentee_age_range"), for the message shown.
    criterion: str | None = None
    min_age: int | None = None
    max_age: int | None = None


def possible_ages(birth_year: int, this_year: int) -> tuple[int, int]:
    """With a birth year only, a person is one of two ages today: before or after the birthday."""
    return this_year - birth_year - 1, this_year - birth_year


def check(
    rules: Eligibility, kind: str, country: str | None, birth_year: int, this_year: int
) -> Verdict:
    """Accept when either possible age is in range, so nobody is turned away by the calendar."""
    youngest, oldest = possible_ages(birth_year, this_year)
    if kind == "mentor":
        minimum = rules.mentor.min_age
        if oldest >= minimum:
            return Verdict(True)
        return Verdict(False, "mentor_min_age", min_age=minimum)
    if kind == "mentee":
        age_range = rules.mentee.get(country or "")  # type: ignore[call-overload]
        if age_range is None:
            # Unknown country: the widest range of all countries, the head office triages.
            low = min(r.min_age for r in rules.mentee.values())
            high = max(r.max_age for r in rules.mentee.values())
        else:
            low, high = age_range.min_age, age_range.max_age
        if oldest >= low and youngest <= high:
            return Verdict(True)
        return Verdict(False, "mentee_age_range", min_age=low, max_age=high)
    return Verdict(True)
