"""Eligibility from data/programme.yml, fair at the edges of a birth year."""

from __future__ import annotations

import pytest

from forms_service.domain.eligibility import check, possible_ages
from sitedata import load_default

RULES = load_default().programme.eligibility
YEAR = 2026


def test_a_birth_year_gives_two_possible_ages() -> None:
    assert possible_ages(1976, YEAR) == (49, 50)


@pytest.mark.parametrize(
    "birth_year, eligible", [(1976, True), (1975, True), (1940, True), (1977, False), (2000, False)]
)
def test_mentors_are_50_or_older(birth_year: int, eligible: bool) -> None:
    verdict = check(RULES, "mentor", "BE", birth_year, YEAR)
    assert verdict.eligible is eligible
    if not eligible:
        assert (verdict.criterion, verdict.min_age) == ("mentor_min_age", 50)


@pytest.mark.parametrize(
    "country, birth_year, eligible",
    [
        ("BE", 2008, True),   # 17 or 18: may already be 18
        ("BE", 2009, False),  # 16 or 17
        ("BE", 1993, True),   # 32 or 33
        ("BE", 1992, True),   # 33 or 34: may still be 33
        ("BE", 1991, False),  # 34 or 35
        ("FR", 1991, False),
        ("NL", 1991, True),   # Rotterdam accepts up to 34
        ("NL", 1990, False),
    ],
)
def test_mentee_age_range_depends_on_the_country(
    country: str, birth_year: int, eligible: bool
) -> None:
    verdict = check(RULES, "mentee", country, birth_year, YEAR)
    assert verdict.eligible is eligible
    if not eligible:
        assert verdict.criterion == "mentee_age_range"
        assert verdict.max_age == RULES.mentee[country].max_age


def test_unknown_country_uses_the_widest_range() -> None:
    assert check(RULES, "mentee", "DE", 1991, YEAR).eligible
    verdict = check(RULES, "mentee", "DE", 1980, YEAR)
    assert (verdict.min_age, verdict.max_age) == (18, 34)


@pytest.mark.parametrize("kind", ["partner", "volunteer"])
def test_other_kinds_have_no_age_rule(kind: str) -> None:
    assert check(RULES, kind, "BE", 2010, YEAR).eligible
