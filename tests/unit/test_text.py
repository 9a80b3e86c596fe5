"""What people type, as the service reads it: digits of any script, names, links, addresses.

tests/unit/test_validators.py covers the common names, phones and addresses; this file the
edges each rule is there for.
"""

from __future__ import annotations

import pytest

from forms_service.domain.text import (
    address_spellings,
    ascii_digits,
    ascii_domain,
    has_bidi_controls,
    has_control_chars,
    is_plausible_name,
    looks_like_link,
    mailbox_key,
    mixes_confusable_scripts,
    normalise_email,
    normalise_name,
    normalise_phone,
    typed_text,
    unicode_domain,
)

ZWNJ = "\u200c"  # zero-width non-joiner


@pytest.mark.parametrize(
    "value, expected",
    [
        ("١٩٦٠", "1960"),  # Arabic-Indic
        ("۱۹۶۰", "1960"),  # Persian
        ("１９６０", "1960"),  # full-width
        ("१९६०", "1960"),  # Devanagari
        ("B-2000", "B-2000"),
        ("x²", "x²"),  # a superscript is not a digit of a script
    ],
)
def test_digits_of_any_script_become_ascii_digits(value: str, expected: str) -> None:
    assert ascii_digits(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("\u00a0Marie\u00a0", "Marie"),  # no-break spaces, then trimmed
        ("ｍａｒｉｅ", "marie"),  # full-width letters
        (" ١٩٦٠ ", "1960"),
    ],
)
def test_typed_text_is_one_plain_form(value: str, expected: str) -> None:
    assert typed_text(value) == expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Jean   Pierre", "Jean Pierre"),
        ("Jean Pierre", "Jean Pierre"),
        ("Anne\u2010Marie", "Anne-Marie"),  # the Unicode hyphen
        ("Anne\u2011Marie", "Anne-Marie"),  # the non-breaking hyphen
        ("  N'Diaye ", "N'Diaye"),
    ],
)
def test_a_name_is_stored_with_plain_spaces_and_hyphens(value: str, expected: str) -> None:
    assert normalise_name(value) == expected


@pytest.mark.parametrize(
    "name",
    [
        "Jose\u0301",  # a combining accent
        f"Mehr{ZWNJ}nush",  # a joiner between two letters
        f"a{ZWNJ}b",
        f"Jose\u0301{ZWNJ}nush",  # a mark before the joiner
        "J.R.R. Tolkien",
        "Anne\u2010Marie",
    ],
)
def test_these_are_names(name: str) -> None:
    assert is_plausible_name(name) is True


@pytest.mark.parametrize(
    "name",
    [
        "Jean-P1erre",  # a digit after a hyphen
        "- .",  # punctuation without a letter
        f"{ZWNJ}abc",  # a joiner at either end
        f"abc{ZWNJ}",
        f"ab{ZWNJ} cd",  # a joiner beside a space or an apostrophe
        f"ab {ZWNJ}cd",
        f"ab'{ZWNJ}cd",
        f"ab{ZWNJ}'cd",
        "Marie\u202e",
    ],
)
def test_these_are_not_names(name: str) -> None:
    assert is_plausible_name(name) is False


@pytest.mark.parametrize(
    "value",
    ["Claim your prize at evil.example.com", "https://x", "see www.example", "Marie.Dubois",
     "Visit WWW.X"],
)
def test_a_host_name_or_a_link_in_a_name_is_seen(value: str) -> None:
    assert looks_like_link(value) is True


@pytest.mark.parametrize("value", ["J.R.R. Tolkien", "O.Smith", "Jean-Pierre", "N'Diaye", "a.bc"])
def test_initials_are_not_taken_for_a_link(value: str) -> None:
    assert looks_like_link(value) is False


@pytest.mark.parametrize("value", ["a\tb", "a\x85b", "a\u2029b", "a\x7fb"])
def test_every_control_character_and_line_break_is_seen(value: str) -> None:
    assert has_control_chars(value) is True


def test_a_name_without_control_characters_has_none() -> None:
    assert has_control_chars("Marie-Claire N’Diaye") is False


def test_bidirectional_overrides_are_seen_but_the_plain_marks_are_allowed() -> None:
    assert has_bidi_controls("invoice\u202egpj.exe") is True
    assert has_bidi_controls("\u2066x\u2069") is True
    assert has_bidi_controls("\u200fשלום\u200e") is False


@pytest.mark.parametrize(
    "label, mixed",
    [("p\u0430ypal", True), ("paypal", False), ("пример", False), ("παράδειγμα", False),
     ("αlpha", True), ("例え", False), ("exémple", False),
     ("a\U00017000", False)],  # a letter Python's Unicode tables give no name (Tangut)
)
def test_a_label_mixing_latin_cyrillic_or_greek_is_a_lookalike(label: str, mixed: bool) -> None:
    assert mixes_confusable_scripts(label) is mixed


def test_each_label_of_a_domain_may_have_its_own_script() -> None:
    """Only a label that mixes scripts imitates another; a Cyrillic label beside a Latin one
    does not."""
    assert normalise_email("amina@пример.example.org") == "amina@пример.example.org"


@pytest.mark.parametrize("value", ["amina@example.org\t", "amina@exa\u202emple.org"])
def test_an_address_with_control_or_direction_characters_is_refused(value: str) -> None:
    assert normalise_email(value) is None


@pytest.mark.parametrize(
    "value, region, expected",
    [("+31 10 123 4567", None, "+31101234567"), ("+31 10 123 4567", "", "+31101234567"),
     ("٠٤٧٠ ١٢ ٣٤ ٥٦", "BE", "+32470123456")],
)
def test_a_phone_number_is_read_with_or_without_a_country(
    value: str, region: str | None, expected: str
) -> None:
    assert normalise_phone(value, region) == expected


def test_a_national_number_without_a_country_cannot_be_read() -> None:
    assert normalise_phone("0470 12 34 56", None) is None


@pytest.mark.parametrize(
    "value, key",
    [
        ("Jan@Exémple.fr", "jan@xn--exmple-cva.fr"),
        ("jan@xn--exmple-cva.fr", "jan@xn--exmple-cva.fr"),
        ("  JAN@example.ORG. ", "jan@example.org"),
        ("a@b@Example.org", "a@b@example.org"),
        ("a@b@Exémple.fr", "a@b@xn--exmple-cva.fr"),  # the domain is after the last @
        ("  Not An Address ", "not an address"),
    ],
)
def test_one_mailbox_has_one_key_however_it_is_written(value: str, key: str) -> None:
    assert mailbox_key(value) == key


@pytest.mark.parametrize(
    "domain, ascii, unicode",
    [
        ("Exémple.FR", "xn--exmple-cva.fr", "exémple.fr"),
        ("xn--exmple-cva.fr.", "xn--exmple-cva.fr", "exémple.fr"),
        ("Example.ORG", "example.org", "example.org"),
        ("Mail.BOX", "mail.box", "mail.box"),  # only the final dot goes
        ("ｅxémple.fr", "xn--exmple-cva.fr", "exémple.fr"),  # a full-width letter, mapped
        # Not a valid host name: kept as it is, in lower case.
        ("Bad_Domain.COM", "bad_domain.com", "bad_domain.com"),
        ("XN--A.Example", "xn--a.example", "xn--a.example"),  # broken punycode
    ],
)
def test_a_domain_in_punycode_and_in_unicode(domain: str, ascii: str, unicode: str) -> None:
    assert ascii_domain(domain) == ascii
    assert unicode_domain(domain) == unicode


def test_an_address_is_found_in_either_spelling_of_its_domain() -> None:
    assert address_spellings(" Jan@Exémple.FR ") == {"jan@xn--exmple-cva.fr", "jan@exémple.fr"}
    assert address_spellings("jan@example.org") == {"jan@example.org"}
    assert address_spellings("a@b@Exémple.fr") == {"a@b@xn--exmple-cva.fr", "a@b@exémple.fr"}
    assert address_spellings(" Not An Address ") == {"not an address"}
