"""Reusable WTForms validators (message=None means a translated default)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form
from wtforms.validators import StopValidation, ValidationError

from forms_service.domain.text import (
    LINE_BREAKS,
    has_bidi_controls,
    has_control_chars,
    is_plausible_name,
    looks_like_link,
    normalise_email,
    normalise_name,
    normalise_phone,
    typed_text,
)

INVISIBLE_CHARACTERS = _l("Remove the invisible control characters from your answer.")


class OneLine:
    """Rejects line breaks and control characters (they would reach e-mail headers)."""

    def __init__(self, message: str | None = None) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        text = str(field.data or "")
        if LINE_BREAKS.search(text):
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


class TypedText:
    """Stores what was typed in one form (domain.text.typed_text): digits of any script as
    ASCII digits, full-width letters as plain ones. The page still shows what was typed."""

    def __call__(self, form: Form, field: Field) -> None:
        if field.data:
            field.data = typed_text(str(field.data))


class PersonName:
    """A name in any script: letters, marks, spaces, apostrophes, hyphens; stored normalised
    (domain.text.normalise_name). A web address is refused with `link_message`, which names
    the field: the confirmation greets the person by this name."""

    def __init__(self, message: str | None = None, link_message: str | None = None) -> None:
        self.message = message
        self.link_message = link_message

    def __call__(self, form: Form, field: Field) -> None:
        if not field.data:
            return
        if not is_plausible_name(field.data):
            raise ValidationError(
                self.message or _l("Use letters, spaces, apostrophes or hyphens only.")
            )
        if looks_like_link(field.data):
            raise ValidationError(
                self.link_message or _l("Write a name without a web address.")
            )
        field.data = normalise_name(field.data)


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
