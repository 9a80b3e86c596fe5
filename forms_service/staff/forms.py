"""The workspace's forms: each action is a small POST form (CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from forms_service.domain.scope import ROLES


class MoveForm(FlaskForm):
    to = HiddenField(validators=[InputRequired()])
    reason = StringField(
        _l("Reason (needed to step back or close)"), validators=[Optional(), Length(max=500)]
    )


class NoteForm(FlaskForm):
    text = TextAreaField(
        _l("Add a note"),
        validators=[InputRequired(_l("Write the note first")), Length(max=5000)],
    )


class ReassignForm(FlaskForm):
    branch = SelectField(_l("Move to the branch"), choices=[], validate_choice=True)
    reason = StringField(
        _l("Reason"), validators=[InputRequired(_l("Say why it moves")), Length(max=500)]
    )


class DuplicateForm(FlaskForm):
    verdict = HiddenField(validators=[InputRequired()])


class EraseForm(FlaskForm):
    confirm = BooleanField(
        _l("I understand that everything about this person is deleted for good"),
        validators=[InputRequired(_l("Tick the box to confirm"))],
    )


class ActionForm(FlaskForm):
    """A button that acts (export a person's data, switch an account on or off): nothing to
    fill in, the CSRF token alone is checked."""


class AccountForm(FlaskForm):
    email = StringField(
        _l("E-mail address"), validators=[InputRequired(_l("Enter an e-mail address")),
                                          Length(max=255)]
    )
    role = RadioField(
        _l("Role"),
        choices=[("coordinator", _l("Coordinator (their branches)")),
                 ("country", _l("Country lead (every branch of a country)")),
                 ("admin", _l("Administrator (everything)"))],
        validators=[InputRequired(_l("Choose a role"))],
    )
    branches = SelectMultipleField(_l("Branches (coordinators)"), choices=[])
    country = SelectField(
        _l("Country (country leads)"),
        choices=[("", "—"), ("BE", "BE"), ("FR", "FR"), ("NL", "NL")],
    )
    lang = RadioField(
        _l("Language of the workspace and the e-mails"),
        choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
        default="fr",
    )

    def validate_role(self, field):  # type: ignore[no-untyped-def]
        if field.data not in ROLES:
            raise ValueError(_l("Choose a role"))


class MyAccountForm(FlaskForm):
    lang = RadioField(
        _l("Language of the workspace and the e-mails"),
        choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
    )
    digest = BooleanField(_l("Send me the daily summary e-mail"))


class SessionForm(FlaskForm):
    branch = SelectField(_l("Branch"), choices=[])
    day = DateField(_l("Day"), validators=[InputRequired(_l("Enter the day"))])
    time = TimeField(_l("Start time (local time at the venue)"),
                     validators=[InputRequired(_l("Enter the start time"))])
    minutes = IntegerField(_l("Length in minutes"), default=90,
                           validators=[InputRequired(), NumberRange(15, 480)])
    capacity = IntegerField(_l("Places"), default=20,
                            validators=[InputRequired(), NumberRange(1, 500)])
    audience = RadioField(
        _l("For whom"),
        choices=[("all", _l("Future mentors and young people")),
                 ("mentor", _l("Future mentors")), ("mentee", _l("Young people"))],
        default="all",
    )
    lang = RadioField(
        _l("Language spoken"),
        choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")], default="fr",
    )
    format = RadioField(
        _l("Where"), choices=[("place", _l("Face to face")), ("online", _l("Online"))],
        default="place",
    )
    place = StringField(_l("Address (face to face)"), validators=[Optional(), Length(max=500)])
    online_url = StringField(_l("Link (online; sent only to those booked)"),
                             validators=[Optional(), Length(max=500)])


class AttendanceForm(FlaskForm):
    present = HiddenField()
