"""Application references (read out on the phone) and submission tokens (hidden in forms)."""

from __future__ import annotations

import re

import pytest

from forms_service.domain.references import (
    REFERENCE_ALPHABET,
    new_reference,
    new_submission_token,
    usable_token,
)

REFERENCE = re.compile(r"DUO-[ACDEFGHJKMNPQRTUVWXY234679]{6}")


def test_a_reference_is_duo_and_six_characters_that_cannot_be_misheard() -> None:
    references = [new_reference() for _ in range(200)]
    assert all(REFERENCE.fullmatch(r) for r in references), references[:5]
    assert not set("0O1IL5S8B") & set(REFERENCE_ALPHABET)


def test_references_are_drawn_at_random() -> None:
    references = {new_reference() for _ in range(200)}
    assert len(references) == 200  # 26^6 possibilities: a repeat here means no randomness
    used = {ch for r in references for ch in r[4:]}
    assert used == set(REFERENCE_ALPHABET)  # 1,200 draws reach every character


def test_a_submission_token_is_32_url_safe_characters_and_fresh_each_time() -> None:
    tokens = [new_submission_token() for _ in range(50)]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{32}", t) for t in tokens)
    assert len(set(tokens)) == 50


def test_a_token_this_service_wrote_is_kept() -> None:
    token = new_submission_token()
    assert usable_token(token) == token


@pytest.mark.parametrize("token", ["a" * 16, "Z" * 64, "abc_DEF-123456789"])
def test_tokens_of_16_to_64_url_safe_characters_are_kept(token: str) -> None:
    assert usable_token(token) == token


@pytest.mark.parametrize(
    "token",
    [None, "", "a" * 15, "a" * 65, "a" * 20 + "!", "a" * 20 + "\n", "<script>" + "a" * 20],
)
def test_anything_else_is_replaced_by_a_fresh_token(token: str | None) -> None:
    fresh = usable_token(token)
    assert fresh != token
    assert re.fullmatch(r"[A-Za-z0-9_-]{32}", fresh)
    assert usable_token(token) != fresh  # fresh each time, never a fixed stand-in
