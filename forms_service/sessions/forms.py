"""The booking form: a name, an e-mail address, an optional phone number, the consent."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Field, HiddenField, StringField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms_service.domain.text import (
    has_control_chars,
    is_plausible_name,
    normalise_email,
    normalise_phone,
)
from forms_service.kinds import Question

# The booking form's questions, as the application forms describe theirs (kinds.Question):
# the templates' form macros read labels, hints and input hints from them.
QUESTIONS = {
    "name": Question("name", _l("What is your name?"), autocomplete="name", spellcheck=False),
    "email": Question(
        "email", _l("What is your e-mail address?"),
        hint=_l("We send your place and the calendar invitation there."),
        autocomplete="email", input_type="email", spellcheck=False,
    ),
    "phone": Question(
        "phone", _l("What is your phone number? (optional)"),
        hint=_l("Only to reach you if the session changes at the last minute."),
        autocomplete="tel", input_type="tel", width="20",
    ),
    "consent": Question(
        "consent", _l("I agree that DUO for a JOB stores these details to organise the session.")
    ),
}


class BookingForm(FlaskForm):
    name = StringField(
        QUESTIONS["name"].label,
        validators=[InputRequired(_l("Enter your name")),
                    Length(max=200, message=_l("Your name must be 200 characters or fewer"))],
    )
    email = StringField(
        QUESTIONS["email"].label,
        validators=[InputRequired(_l("Enter your e-mail address")), Length(max=254)],
    )
    phone = StringField(
        QUESTIONS["phone"].label,
        validators=[Optional(), Length(max=32)],
    )
    consent = BooleanField(
        QUESTIONS["consent"].label,
        validators=[InputRequired(_l("Tick the box to agree to the privacy notice"))],
    )
    waiting_list = HiddenField()

    # The same checks as the application forms (domain.text), with this form's messages.
    def validate_name(self, field: Field) -> None:
        value = (field.data or "").strip()
        if has_control_chars(value) or not is_plausible_name(value):
            raise ValidationError(_l("Use letters, spaces, apostrophes or hyphens only."))

    def validate_email(self, field: Field) -> None:
        normalised = normalise_email((field.data or "").strip())
        if normalised is None:
            raise ValidationError(_l("Enter an e-mail address like name@example.com."))
        field.data = normalised

    def validate_phone(self, field: Field) -> None:
        if not field.data:
            return
        normalised = normalise_phone(field.data.strip(), "BE")
        if normalised is None:
            raise ValidationError(
                _l("Enter a phone number like 0470 12 34 56 or +32 470 12 34 56.")
            )
        field.data = normalised


class FromApplicationForm(FlaskForm):
    """One button on the thank-you page: the details given in the application are used."""

    application = HiddenField(validators=[InputRequired()])


class ConfirmForm(FlaskForm):
    """Cancel or move: a person confirms before anything happens."""

    session_id = HiddenField()
