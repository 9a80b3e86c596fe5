"""The workspace's pure rules: the pipeline, duplicate keys, CSV cells, branch scope."""

from __future__ import annotations

import pytest

from forms_service.domain import pipeline as rules
from forms_service.domain.csvsafe import neutralise
from forms_service.domain.duplicates import (
    email_key,
    fold,
    keys_of,
    matching_keys,
    name_key,
    phone_keys,
)
from forms_service.domain.scope import Scope, visible_branches
from sitedata import load_default

SITE = load_default()
PIPELINE = SITE.programme.pipeline


def moves(kind: str, status: str, reopen_to: str | None = None) -> dict[str, str]:
    return {m.to: m.kind for m in rules.allowed_moves(PIPELINE, kind, status, reopen_to)}


def test_the_mentee_pipeline_follows_the_programme_steps():
    assert PIPELINE.steps["mentee"] == [
        "new", "contacted", "information_session", "intake_interview", "ready_to_match",
        "matched", "in_duo", "completed",
    ]


def test_mentors_are_trained_after_the_interview_and_before_matching():
    steps = PIPELINE.steps["mentor"]
    assert steps.index("intake_interview") + 1 == steps.index("training")
    assert steps.index("training") + 1 == steps.index("ready_to_match")


@pytest.mark.parametrize("kind", ["partner", "volunteer"])
def test_partners_and_volunteers_go_from_new_to_agreed(kind):
    assert PIPELINE.steps[kind] == ["new", "contacted", "in_discussion", "agreed"]


def test_from_a_step_one_goes_forward_one_back_or_closes():
    assert moves("mentee", "information_session") == {
        "intake_interview": "forward", "contacted": "back",
        "withdrew": "close", "not_eligible": "close", "no_answer": "close", "duplicate": "close",
    }


def test_new_has_no_step_back_and_the_last_step_no_step_forward():
    assert "back" not in moves("mentee", "new").values()
    assert "forward" not in moves("mentee", "completed").values()


def test_a_step_cannot_be_skipped():
    with pytest.raises(rules.MoveRefused):
        rules.check_move(PIPELINE, "mentee", "new", "information_session", None)


@pytest.mark.parametrize("to", ["contacted", "withdrew"])
def test_stepping_back_or_closing_needs_a_reason(to):
    status = "information_session" if to == "contacted" else "new"
    with pytest.raises(rules.MoveRefused, match="reason"):
        rules.check_move(PIPELINE, "mentee", status, to, "  ")
    assert rules.check_move(PIPELINE, "mentee", status, to, "moved away").to == to


def test_moving_forward_needs_no_reason():
    assert rules.check_move(PIPELINE, "mentor", "new", "contacted", None).kind == "forward"


def test_a_closed_application_can_only_be_reopened_where_it_was_closed():
    assert moves("mentee", "no_answer", reopen_to="contacted") == {"contacted": "reopen"}
    assert moves("mentee", "no_answer") == {}


def test_reached_tells_whether_an_application_is_at_or_past_a_step():
    assert rules.reached(PIPELINE, "mentee", "intake_interview", "information_session")
    assert not rules.reached(PIPELINE, "mentee", "contacted", "information_session")
    assert not rules.reached(PIPELINE, "mentee", "withdrew", "information_session")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Amina@Example.org", "amina@example.org"),
        ("ana@exämple.org", "ana@xn--exmple-cua.org"),
        ("ÉLODIE@mail.be", "élodie@MAIL.BE"),
    ],
)
def test_the_same_address_written_differently_gives_one_key(a, b):
    assert email_key(a) == email_key(b)


def test_different_addresses_give_different_keys():
    assert email_key("amina@example.org") != email_key("amina2@example.org")


def test_names_match_ignoring_accents_case_and_spacing():
    assert fold("Élodie  DUBOIS-Martin") == fold("elodie dubois martin")
    assert name_key({"first_name": "Élodie", "last_name": "Dubois", "birth_year": "1990"}) == (
        name_key({"first_name": "ELODIE", "last_name": "dubois", "birth_year": "1990"})
    )


def test_a_name_without_a_birth_year_is_no_duplicate_key():
    assert name_key({"first_name": "Jan", "last_name": "Peeters"}) is None


def test_a_name_with_another_birth_year_does_not_match():
    a = keys_of("a@example.org", {"first_name": "Jan", "birth_year": "1960", "phone": "",
                                  "country": "BE"})
    b = keys_of("b@example.org", {"first_name": "Jan", "birth_year": "1961", "phone": "",
                                  "country": "BE"})
    assert matching_keys(a, b) == []


def test_phones_written_differently_match_on_their_normalised_form():
    a = keys_of("a@example.org", {"phone": "0470 12 34 56", "country": "BE"})
    b = keys_of("b@example.org", {"phone": "+32470123456", "country": "BE"})
    assert matching_keys(a, b) == ["phone"]


def test_a_national_number_stands_for_one_number_per_country_an_international_one_for_one():
    # A French or a Dutch mobile number; in Belgium no number is written so.
    assert phone_keys("06 12 34 56 78", ["BE", "FR", "NL"]) == {"+33612345678", "+31612345678"}
    assert phone_keys("+33 6 12 34 56 78", ["BE", "FR", "NL"]) == {"+33612345678"}
    assert phone_keys("06 12 34 56 78", ["FR"]) == {"+33612345678"}
    assert phone_keys("not a number", ["BE", "FR"]) == set()


@pytest.mark.parametrize("cell", ["=1+1", "+32 470", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_neutralised(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["Amina", "32", "a=b", "", None])
def test_other_cells_are_kept_as_they_are(cell):
    assert neutralise(cell) == ("" if cell is None else cell)


def test_a_coordinator_sees_their_branches_a_country_lead_their_country_an_admin_all():
    all_ids = [b.id for b in SITE.branches.branches]
    assert visible_branches(Scope("coordinator", frozenset({"ghent", "aalst"})),
                            SITE.branches) == ["ghent", "aalst"]
    assert set(visible_branches(Scope("country", frozenset(), "FR"), SITE.branches)) == {
        b.id for b in SITE.branches.branches if b.country == "FR"
    }
    assert visible_branches(Scope("admin", frozenset()), SITE.branches) == all_ids
    assert visible_branches(Scope("visitor", frozenset({"ghent"})), SITE.branches) == []
