"""Checks on what people type, as plain functions: names, e-mail addresses, phone numbers,
control characters. The form validators (apply.validators) and the services share them."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email

LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]")


def has_control_chars(value: str) -> bool:
    """Line breaks or other control characters: never allowed in a one-line answer."""
    return any(unicodedata.category(ch) == "Cc" for ch in value) or bool(LINE_BREAKS.search(value))


def is_plausible_name(value: str) -> bool:
    """Any script: letters, marks, spaces, apostrophes, hyphens, dots; at least one letter."""
    if has_control_chars(value):
        return False
    allowed_punct = set(" '’‘-‐.·ʼ")
    has_letter = False
    for ch in value:
        cat = unicodedata.category(ch)
        if cat[0] == "L":
            has_letter = True
        elif cat[0] == "M" or ch in allowed_punct:
            continue
        else:
            return False
    return has_letter


def normalise_phone(value: str, region: str | None) -> str | None:
    """E.164 form of a possible phone number, read with the country as default region."""
    try:
        number = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Bidirectional embeddings, overrides and isolates (U+202E turns "gpj.exe" around): never
# typed by people, even in Arabic or Hebrew; the marks U+200E/U+200F stay allowed.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_CONFUSABLE_SCRIPTS = {"LATIN", "CYRILLIC", "GREEK"}


def has_bidi_controls(value: str) -> bool:
    return bool(_BIDI_CONTROLS.search(value))


def mixes_confusable_scripts(label: str) -> bool:
    """A domain label that mixes Latin, Cyrillic or Greek letters ("pаypal" with a Cyrillic
    "а") imitates another domain; browsers refuse to display such labels too."""
    scripts = {
        unicodedata.name(ch, "?").split(" ", 1)[0] for ch in label if ch.isalpha()
    }
    return len(scripts & _CONFUSABLE_SCRIPTS) > 1


def normalise_email(value: str) -> str | None:
    """The normalised address, or None when it is not a valid address (no DNS lookup).

    Letters outside ASCII before the @ need SMTPUTF8, which mail servers rarely offer: such a
    confirmation could never be delivered (and the branch's notification, whose Reply-To it
    is, neither), so the form asks for another address. Internationalised domains are fine
    (sent as punycode) unless a label mixes look-alike scripts.
    """
    if has_control_chars(value) or has_bidi_controls(value):
        return None
    try:
        address = validate_email(value, check_deliverability=False, allow_smtputf8=False)
    except EmailNotValidError:
        return None
    if any(mixes_confusable_scripts(label) for label in address.domain.split(".")):
        return None
    return address.normalized
