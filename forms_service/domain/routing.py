"""Which branch interviews a candidate: a pure function over the rules in data/branches.yml."""

from __future__ import annotations

import re

from sitedata.models import Branch, Branches

_LEADING_DIGITS = re.compile(r"^\s*(\d+)")


def postcode_number(postcode: str, digits: int) -> int | None:
    """The postcode's leading number when it has exactly `digits` digits ('3011 AB' -> 3011)."""
    compact = re.sub(r"[\s\-.]", "", postcode or "")
    match = _LEADING_DIGITS.match(compact)
    if not match or len(match.group(1)) != digits:
        return None
    return int(match.group(1))


def route(
    branches: Branches, country: str | None, postcode: str | None, chosen: str | None = None
) -> Branch:
    """The branch for a candidate; never raises for unknown input.

    A valid chosen branch wins; else the postcode rules of the country; else the country's
    head office; else (unknown country) the organisation's head office.
    """
    if chosen:
        for branch in branches.branches:
            if branch.id == chosen:
                return branch
    country = (country or "").strip().upper()
    info = branches.countries.get(country)  # type: ignore[call-overload]
    if info is None:
        return branches.head_office(None)
    number = postcode_number(postcode or "", info.postcode_digits)
    if number is not None:
        for branch in branches.branches:
            if branch.country != country:
                continue
            if any(r.start <= number <= r.end for r in branch.postcodes):
                return branch
    return branches.head_office(country)
