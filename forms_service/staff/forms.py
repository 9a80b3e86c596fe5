"""The workspace's forms: each action is a small POST form (CSRF on every one)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

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


class ExportPersonForm(FlaskForm):
    pass


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
