"""Reusable WTForms validators (message=None means a translated default)."""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]")


def has_control_chars(value: str) -> bool:
    """Line breaks or other control characters: never allowed in a one-line answer."""
    return any(unicodedata.category(ch) == "Cc" for ch in value) or bool(_LINE_BREAKS.search(value))


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


INVISIBLE_CHARACTERS = _l("Remove the invisible control characters from your answer.")


class OneLine:
    """Rejects line breaks and control characters (they would reach e-mail headers)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        text = str(field.data or "")
        if _LINE_BREAKS.search(text):
            raise StopValidation(self.message or _l("Write this on one line."))
        if has_control_chars(text) or has_bidi_controls(text):
            raise StopValidation(self.message or INVISIBLE_CHARACTERS)


class PlainText:
    """Several lines allowed; NUL and other control characters or direction overrides not
    (PostgreSQL text cannot hold NUL, and they have no place in a message to people)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        text = str(field.data or "")
        stripped = text.replace("\r", "").replace("\n", "").replace("\t", "")
        if has_control_chars(stripped) or has_bidi_controls(text):
            raise StopValidation(self.message or INVISIBLE_CHARACTERS)


class PersonName:
    """A name in any script: letters, marks, spaces, apostrophes, hyphens."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if field.data and not is_plausible_name(field.data.strip()):
            raise ValidationError(
                self.message or _l("Use letters, spaces, apostrophes or hyphens only.")
            )


class EmailAddress:
    """Checked with email-validator, without a DNS lookup; stores the normalised form."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return
        normalised = normalise_email(field.data.strip())
        if normalised is None:
            raise ValidationError(
                self.message or _l("Enter an e-mail address like name@example.com.")
            )
        field.data = normalised


class PhoneNumber:
    """Parsed with phonenumbers; the form's country is the default region; stored as E.164."""

    def __init__(self, country_field: str = "country", message: str | None = None) -> None:
        self.country_field = country_field
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return
        country = form._fields.get(self.country_field)
        region = country.data if country is not None and country.data else "BE"
        normalised = normalise_phone(field.data.strip(), region)
        if normalised is None:
            raise ValidationError(
                self.message
                or _l("Enter a phone number like 0470 12 34 56 or +32 470 12 34 56.")
            )
        field.data = normalised
