"""Names, phones and e-mail addresses as people really write them."""

from __future__ import annotations

import pytest

from forms_service.domain.text import (
    has_control_chars,
    is_plausible_name,
    normalise_email,
    normalise_phone,
)


@pytest.mark.parametrize(
    "name",
    ["محمد", "ሰላም", "ተስፋይ ገብረሚካኤል", "Олена", "N'Diaye", "N’Diaye", "Jean-Pierre", "Nguyễn Văn",
     "Zoë", "O. Smith", "李", "Ἀλέξανδρος", "Madonna", "श्रेया"],
)
def test_names_in_any_script_are_plausible(name: str) -> None:
    assert is_plausible_name(name)


@pytest.mark.parametrize("name", ["", "123", "<script>", "Eve\nBcc: x@y.z", "a@b", "---"])
def test_not_names(name: str) -> None:
    assert not is_plausible_name(name)


@pytest.mark.parametrize(
    "value, region, expected",
    [
        ("0470 12 34 56", "BE", "+32470123456"),
        ("+32 470 12 34 56", "BE", "+32470123456"),
        ("0032 470 12 34 56", "BE", "+32470123456"),
        ("02 203 02 31", "BE", "+3222030231"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 6 12 34 56 78", "BE", "+33612345678"),
        ("06 12345678", "NL", "+31612345678"),
        ("010 123 4567", "NL", "+31101234567"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(value: str, region: str, expected: str) -> None:
    assert normalise_phone(value, region) == expected


@pytest.mark.parametrize("value", ["12", "hello", "0470 12", "+32 999 99 99 99 99 99"])
def test_impossible_phone_numbers_are_refused(value: str) -> None:
    assert normalise_phone(value, "BE") is None


@pytest.mark.parametrize(
    "value, expected",
    [
        ("amina@example.org", "amina@example.org"),
        ("Jan.Peeters@Example.BE", "Jan.Peeters@example.be"),
        # An internationalised domain is sent as punycode.
        ("elodie@exémple.fr", "elodie@exémple.fr"),
    ],
)
def test_email_addresses_are_normalised(value: str, expected: str) -> None:
    assert normalise_email(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "plainaddress", "a@b", "x@example.org\r\nBcc: y@example.org", "two@@example.org",
        # Letters outside ASCII before the @ need SMTPUTF8: the mail could never be sent.
        "élodie@exemple.fr",
        # A Cyrillic "а" in a Latin label imitates paypal.com; U+202E turns the text around.
        "x@p\u0430ypal.com", "x\u202e@example.org",
    ],
)
def test_invalid_email_addresses_are_refused(value: str) -> None:
    assert normalise_email(value) is None


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\x00b", "a\u2028b"])
def test_control_characters_are_detected(value: str) -> None:
    assert has_control_chars(value)
