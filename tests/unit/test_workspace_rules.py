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


# --- What mutation testing showed untested ----------------------------------------------------


def test_reopening_needs_a_reason_and_goes_only_where_it_was_closed():
    with pytest.raises(rules.MoveRefused, match="reason"):
        rules.check_move(PIPELINE, "mentee", "withdrew", "contacted", "", reopen_to="contacted")
    move = rules.check_move(PIPELINE, "mentee", "withdrew", "contacted", "called back",
                            reopen_to="contacted")
    assert (move.to, move.kind, move.needs_reason) == ("contacted", "reopen", True)
    with pytest.raises(rules.MoveRefused, match="withdrew -> new is not a move of the mentee"):
        rules.check_move(PIPELINE, "mentee", "withdrew", "new", "x", reopen_to="contacted")


def test_a_closed_application_whose_step_is_unknown_cannot_be_reopened():
    assert moves("mentee", "withdrew", reopen_to="training") == {}  # a mentor's step
    assert moves("mentee", "not_a_status") == {}


def test_the_closing_states_are_closed_and_the_steps_are_not():
    assert all(rules.is_closed(PIPELINE, state) for state in PIPELINE.closing)
    assert not any(rules.is_closed(PIPELINE, step) for step in PIPELINE.steps["mentee"])
    assert not rules.Move("contacted", "forward").needs_reason
    assert rules.Move("new", "back").needs_reason and rules.Move("withdrew", "close").needs_reason


def test_reached_is_false_for_a_step_of_another_pipeline_and_true_at_the_step_itself():
    assert rules.reached(PIPELINE, "mentee", "contacted", "contacted")
    assert not rules.reached(PIPELINE, "mentee", "completed", "training")
    assert rules.reached(PIPELINE, "mentor", "ready_to_match", "training")


def test_only_an_admin_scope_is_an_admin_and_a_country_lead_sees_only_their_country():
    from forms_service.domain.scope import make_scope

    assert make_scope("admin", [], None).is_admin
    assert not make_scope("country", [], "BE").is_admin
    assert make_scope("coordinator", ["ghent", "ghent"], None).branch_ids == frozenset({"ghent"})
    belgium = visible_branches(make_scope("country", ["paris"], "BE"), SITE.branches)
    assert belgium == [b.id for b in SITE.branches.branches if b.country == "BE"]
    # A coordinator's list keeps the data's order and ignores an unknown branch.
    assert visible_branches(make_scope("coordinator", ["aalst", "ghent", "nowhere"], None),
                            SITE.branches) == ["ghent", "aalst"]


@pytest.mark.parametrize(("typed", "key"), [
    ("no-at-sign", None), ("", None), (None, None),
    ("  Amina@Example.ORG.  ", "amina@example.org"),
    ("a@b@Example.org", "a@b@example.org"),
])
def test_an_address_key_is_folded_from_the_last_at_sign(typed, key):
    assert email_key(typed) == key


def test_a_full_name_or_a_contact_name_with_the_birth_year_makes_the_name_key():
    assert name_key({"first_name": "Élodie", "last_name": "Dubois", "birth_year": " 1990 "}) == (
        "elodie dubois|1990")
    assert name_key({"contact_name": "Jan  Peeters", "birth_year": "1961"}) == "jan peeters|1961"
    assert name_key({"birth_year": "1961"}) is None
    assert fold("D'Hondt’s O'Neil") == "d hondt s o neil"


def test_matching_keys_are_listed_email_phone_name_and_empty_keys_never_match():
    a = {"email": "x@example.org", "phone": "+32470123456", "name": "jan|1960"}
    assert matching_keys(a, dict(a)) == ["email", "phone", "name"]
    assert matching_keys({"email": None, "phone": "", "name": None},
                         {"email": None, "phone": "", "name": None}) == []
    assert keys_of("X@Example.org", {"phone": "0470 12 34 56", "country": "BE"}) == {
        "email": "x@example.org", "phone": "+32470123456", "name": None}


def test_one_step_from_either_end_still_moves_both_ways():
    assert moves("mentee", "in_duo")["completed"] == "forward"
    assert moves("mentee", "contacted")["new"] == "back"
    with pytest.raises(rules.MoveRefused, match="^reason required$"):
        rules.check_move(PIPELINE, "mentee", "contacted", "new", None)


@pytest.mark.parametrize(("typed", "key"), [
    ("x@y@exämple.org", "x@y@xn--exmple-cua.org"),  # the domain is after the last @
    ("a@Mail.LUX", "a@mail.lux"),  # only trailing dots are cut from the domain
])
def test_the_domain_of_an_address_key_is_what_follows_the_last_at_sign(typed, key):
    assert email_key(typed) == key


def test_a_phone_key_reads_a_national_number_in_the_applicants_country_else_belgium():
    from forms_service.domain.duplicates import phone_key

    assert phone_key("0470 12 34 56") == "+32470123456"
    assert keys_of("a@example.org", {"phone": "06 12 34 56 78", "country": "FR"})["phone"] == (
        "+33612345678")
