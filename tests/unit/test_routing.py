"""Routing a candidate to a branch: every boundary in data/branches.yml."""

from __future__ import annotations

import pytest

from forms_service.domain.routing import route
from sitedata import load_default

BRANCHES = load_default().branches


@pytest.mark.parametrize(
    "postcode, branch",
    [
        ("1000", "brussels"), ("1299", "brussels"), ("1300", "brussels"), ("1999", "brussels"),
        ("2000", "antwerp"), ("2199", "antwerp"), ("2200", "turnhout"), ("2499", "turnhout"),
        ("2500", "antwerp"), ("2799", "antwerp"), ("2800", "mechelen"), ("2899", "mechelen"),
        ("2900", "antwerp"), ("2999", "antwerp"), ("3000", "brussels"), ("3499", "brussels"),
        ("3500", "antwerp"), ("4000", "liege"), ("6600", "liege"), ("6599", "charleroi"),
        ("5000", "charleroi"), ("7999", "charleroi"), ("8000", "ghent"), ("9000", "ghent"),
        ("9299", "ghent"), ("9300", "aalst"), ("9499", "aalst"), ("9500", "ghent"),
        ("9999", "ghent"),
    ],
)
def test_belgian_postcode_boundaries(postcode: str, branch: str) -> None:
    assert route(BRANCHES, "BE", postcode).id == branch


def test_every_belgian_postcode_reaches_a_branch_by_its_own_rule() -> None:
    """No Belgian postcode falls through to the head office by accident."""
    for number in range(1000, 10000):
        branch = route(BRANCHES, "BE", str(number))
        assert any(r.start <= number <= r.end for r in branch.postcodes), number


@pytest.mark.parametrize(
    "postcode, branch",
    [("75011", "paris"), ("93200", "paris"), ("59000", "lille"), ("62300", "lille"),
     ("13001", "marseille"), ("84000", "marseille"), ("69003", "lyon"), ("01000", "lyon"),
     ("33000", "paris"), ("67000", "paris"), ("97400", "paris")],
)
def test_french_postcodes_reach_their_branch_or_the_french_head_office(
    postcode: str, branch: str
) -> None:
    assert route(BRANCHES, "FR", postcode).id == branch


@pytest.mark.parametrize(
    "postcode, branch",
    [("3011 AB", "rotterdam"), ("3011AB", "rotterdam"), ("2900 AA", "rotterdam"),
     ("1012 AB", "rotterdam"), ("2660", "rotterdam")],
)
def test_dutch_postcodes_go_to_rotterdam(postcode: str, branch: str) -> None:
    assert route(BRANCHES, "NL", postcode).id == branch


@pytest.mark.parametrize(
    "country, postcode, branch",
    [("DE", "10115", "brussels"), (None, None, "brussels"), ("", "", "brussels"),
     ("BE", "", "brussels"), ("BE", "abc", "brussels"), ("BE", "123", "brussels"),
     ("FR", "750", "paris"), ("be", " 2000 ", "antwerp")],
)
def test_unknown_or_odd_input_goes_to_a_head_office_never_an_error(
    country: str | None, postcode: str | None, branch: str
) -> None:
    assert route(BRANCHES, country, postcode).id == branch


def test_a_chosen_branch_overrides_the_postcode() -> None:
    assert route(BRANCHES, "BE", "2000", chosen="liege").id == "liege"


def test_an_unknown_chosen_branch_is_ignored() -> None:
    assert route(BRANCHES, "BE", "2000", chosen="atlantis").id == "antwerp"


@pytest.mark.parametrize(
    "country, postcode, branch",
    [("BE", "2 000", "antwerp"), ("BE", "9.300", "aalst"), ("BE", "93-00", "aalst"),
     ("FR", "75 011", "paris"), ("NL", "3011AB", "rotterdam")],
)
def test_spaces_dots_and_dashes_typed_inside_a_postcode_are_ignored(
    country: str, postcode: str, branch: str
) -> None:
    assert route(BRANCHES, country, postcode).id == branch
