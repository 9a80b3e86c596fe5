"""Names, phones and e-mail addresses as people really write them."""

from __future__ import annotations

import pytest

from forms_service.domain.text import (
    address_spellings,
    has_control_chars,
    is_plausible_name,
    looks_like_link,
    mailbox_key,
    normalise_email,
    normalise_name,
    normalise_phone,
    typed_text,
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
    ("typed", "stored"),
    [
        # Persian: a zero-width non-joiner inside the name is part of its spelling.
        ("نازنین\u200cسادات", "نازنین\u200cسادات"),
        ("مهر\u200cانگیز", "مهر\u200cانگیز"),
        # A zero-width joiner inside a word (Sinhala, Malayalam spellings).
        ("ශ්\u200dරී", "ශ්\u200dරී"),
        # A no-break space and a non-breaking hyphen, as phones and word processors type them.
        ("Jean\u00a0Pierre", "Jean Pierre"),
        ("Marie\u2011Claire", "Marie-Claire"),
        ("Anne  Marie ", "Anne Marie"),
        # Mathematical letters imitate bold or italic: stored as the plain letters.
        ("\U0001d40c\U0001d41a\U0001d42b\U0001d422\U0001d41e", "Marie"),
    ],
)
def test_names_as_people_type_them_are_accepted_and_stored_in_one_form(
    typed: str, stored: str
) -> None:
    assert is_plausible_name(typed)
    assert normalise_name(typed) == stored


@pytest.mark.parametrize("name", ["\u200cAli", "Ali\u200d", "Ali \u200c Reza", "\u200c"])
def test_a_zero_width_joiner_outside_a_word_is_refused(name: str) -> None:
    assert not is_plausible_name(name)


@pytest.mark.parametrize(
    "name",
    ["Claim your prize at evil.example.com", "evil.example.com", "www.example",
     "Jan pr\u0456ze.example", "Win at EVIL.COM", "evil\uff0eexample\uff0ecom"],
)
def test_a_web_address_in_a_name_is_seen(name: str) -> None:
    assert looks_like_link(name)


@pytest.mark.parametrize("name", ["J.R.R. Tolkien", "O.Smith", "O. Smith", "Jean-Pierre",
                                  "Dr. Ana Lima", "St. Clair"])
def test_initials_and_titles_are_not_web_addresses(name: str) -> None:
    assert not looks_like_link(name)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("\u0661\u0669\u0666\u0660", "1960"), ("\u06f1\u06f9\u06f6\u06f0", "1960"),
     ("\uff11\uff19\uff16\uff10", "1960"), (" 1960 ", "1960"),
     ("\uff13\uff10\uff11\uff11\u3000\uff21\uff22", "3011 AB")],
)
def test_digits_of_any_script_are_read_as_ascii_digits(typed: str, expected: str) -> None:
    assert typed_text(typed) == expected


@pytest.mark.parametrize(
    "value",
    ["\u0660\u0664\u0667\u0660 \u0661\u0662 \u0663\u0664 \u0665\u0666",
     "\u06f0\u06f4\u06f7\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6",
     "\uff10\uff14\uff17\uff10 \uff11\uff12 \uff13\uff14 \uff15\uff16",
     "\uff0b\uff13\uff12 470 12 34 56"],
)
def test_a_phone_number_in_any_digits_is_normalised(value: str) -> None:
    assert normalise_phone(value, "BE") == "+32470123456"


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
        # Encoded words: mail programs would show the decoded text as the address.
        "=?utf-8?q?boss=40example.org?=@example.org", "=?UTF-8?B?Ym9zcw==?=@example.org",
        "a=?iso-8859-1?q?x?=b@example.org",
    ],
)
def test_invalid_email_addresses_are_refused(value: str) -> None:
    assert normalise_email(value) is None


@pytest.mark.parametrize("value", ["a\rb", "a\nb", "a\x00b", "a\u2028b"])
def test_control_characters_are_detected(value: str) -> None:
    assert has_control_chars(value)


def test_an_address_has_one_key_whether_its_domain_is_in_unicode_or_punycode() -> None:
    assert mailbox_key("Jan@Ex\u00e9mple.FR") == mailbox_key("jan@xn--exmple-cva.fr")
    assert mailbox_key("jan@xn--exmple-cva.fr") == "jan@xn--exmple-cva.fr"
    assert address_spellings("JAN@xn--exmple-cva.fr") == {
        "jan@xn--exmple-cva.fr", "jan@ex\u00e9mple.fr"
    }
    assert address_spellings("jan@example.org") == {"jan@example.org"}
