"""The four application forms. Labels are questions (GOV.UK); every text is lazily translated."""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from babel import support
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.i18n import messages_path
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from forms_service import eligibility
from forms_service.data import SiteData
from forms_service.routing import route
from forms_service.validators import EmailAddress, OneLine, PersonName, PhoneNumber, PlainText

KINDS: tuple[str, ...] = ("mentor", "mentee", "partner", "volunteer")


class MultiCheckboxField(SelectMultipleField):
    """Several choices as checkboxes (few choices: no multi-select list)."""


def options(*pairs: tuple[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def required(message: Any) -> InputRequired:
    return InputRequired(message=message)


COUNTRY_CHOICES = options(("BE", _l("Belgium")), ("FR", _l("France")), ("NL", _l("Netherlands")))
LANGUAGE_CHOICES = options(
    ("fr", _l("French")),
    ("nl", _l("Dutch")),
    ("en", _l("English")),
    ("other", _l("Another language")),
)
AVAILABILITY_CHOICES = options(
    ("weekday_daytime", _l("Weekdays, during the day")),
    ("weekday_evening", _l("Weekday evenings")),
    ("weekend", _l("Weekends")),
)
HEARD_CHOICES = options(
    ("friend", _l("A friend, a relative or a colleague")),
    ("organisation", _l("An organisation, a job centre or a social worker")),
    ("social_media", _l("Social media")),
    ("search", _l("A search engine")),
    ("press", _l("Press, radio or television")),
    ("event", _l("An event")),
    ("other", _l("Another way")),
)
PARTNERSHIP_CHOICES = options(
    ("field_collaboration", _l("Field collaboration (sending us young people, hosting sessions)")),
    ("subsidy", _l("Subsidy")),
    ("financial_sponsorship", _l("Financial sponsorship")),
    (
        "skills_sponsorship",
        _l("Skills sponsorship (employees near the end of their career mentor)"),
    ),
    ("solidarity_fundraising", _l("Solidarity fundraising")),
)
ROLE_CHOICES = options(
    ("cv_review", _l("Reviewing CVs")),
    ("mentor_events", _l("Running events for mentors")),
    ("representing", _l("Representing the organisation at events")),
    ("other", _l("Something else")),
)


@functools.cache
def wtforms_translations(locale: str) -> support.Translations:
    """WTForms' own messages in a language, read once per process (Flask-WTF reads the
    catalogue from disk again on every request)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class ApplicationForm(FlaskForm):
    """Fields every form shares: consent, the branch choice, the resend token and the honeypot."""

    class Meta:
        def get_translations(self, form: Any) -> support.Translations:
            return wtforms_translations(str(get_locale()))

    # Read by the service: an identical token means the same form was sent again.
    submission_token = HiddenField()
    # Honeypot: hidden from people (CSS, aria-hidden, tabindex=-1); bots fill it.
    website = StringField(_l("Leave this field empty"))
    branch = SelectField(
        _l("Which branch would you like to contact you? (optional)"),
        description=_l("We choose the branch nearest to your postcode if you leave this."),
        choices=[],
        validate_choice=False,
    )
    consent = BooleanField(
        _l("I agree that DUO for a JOB stores my answers to process my application."),
        validators=[required(_l("Tick the box to agree to the privacy notice"))],
    )

    def __init__(self, *args: Any, site_data: SiteData, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site_data = site_data
        self.lang = lang
        self.branch.choices = options(
            ("", _l("Let us choose")), *((b.id, b.name[lang]) for b in site_data.branches.branches)
        )

    def validate_branch(self, field: Field) -> None:
        ids = {b.id for b in self.site_data.branches.branches}
        if field.data and field.data not in ids:
            raise ValidationError(_l("Choose a branch from the list"))

    def routed_branch(self):  # type: ignore[no-untyped-def]
        country = getattr(self, "country", None)
        postcode = getattr(self, "postcode", None)
        return route(
            self.site_data.branches,
            country.data if country else None,
            postcode.data if postcode else None,
            self.branch.data or None,
        )


class PersonForm(ApplicationForm):
    first_name = StringField(
        _l("What is your first name?"),
        description=_l("If you have only one name, write it here."),
        validators=[
            required(_l("Enter your first name")), Length(max=100), OneLine(), PersonName()
        ],
    )
    last_name = StringField(
        _l("What is your last name? (optional)"),
        validators=[Optional(), Length(max=100), OneLine(), PersonName()],
    )
    email = StringField(
        _l("What is your e-mail address?"),
        description=_l("We send the confirmation of your application there."),
        validators=[required(_l("Enter your e-mail address")), Length(max=254), EmailAddress()],
    )
    country = RadioField(
        _l("In which country do you live?"),
        choices=COUNTRY_CHOICES,
        validators=[required(_l("Choose the country where you live"))],
    )
    postcode = StringField(
        _l("What is your postcode?"),
        description=_l("For example 1050, 75011 or 3011 AB. It tells us which branch is nearest."),
        validators=[required(_l("Enter your postcode")), Length(max=10), OneLine()],
    )
    phone = StringField(
        _l("What is your phone number?"),
        description=_l("A coordinator calls you within a few days. For example 0470 12 34 56."),
        validators=[required(_l("Enter your phone number")), Length(max=32), PhoneNumber()],
    )


class ProgrammeForm(PersonForm):
    """Mentor and mentee: age, sector, languages, availability."""

    birth_year = StringField(
        _l("In which year were you born?"),
        description=_l("For example 1962. We only need your age, not your full date of birth."),
        validators=[required(_l("Enter the year you were born"))],
    )
    sector = StringField(
        _l("In which sector or field do you work, or want to work?"),
        description=_l("For example logistics, nursing, IT or accounting."),
        validators=[required(_l("Enter a sector or field")), Length(max=200), OneLine()],
    )
    languages = MultiCheckboxField(
        _l("Which languages do you speak?"),
        description=_l("Select all that apply."),
        choices=LANGUAGE_CHOICES,
        validators=[required(_l("Select at least one language"))],
    )
    availability = MultiCheckboxField(
        _l("When are you usually available?"),
        description=_l("Select all that apply."),
        choices=AVAILABILITY_CHOICES,
        validators=[required(_l("Select when you are usually available"))],
    )
    heard_from = RadioField(
        _l("How did you hear about DUO for a JOB? (optional)"),
        choices=HEARD_CHOICES,
        validators=[Optional()],
    )

    kind = "mentor"

    def validate_birth_year(self, field: Field) -> None:
        text = (field.data or "").strip()
        this_year = date.today().year
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise ValidationError(_l("Enter the year you were born as four digits, like 1962"))
        year = int(text)
        if not 1900 <= year <= this_year:
            raise ValidationError(
                _l("Enter a year between 1900 and %(year)s", year=this_year)
            )
        verdict = eligibility.check(
            self.site_data.programme.eligibility, self.kind, self.country.data, year, this_year
        )
        if verdict.eligible:
            return
        contact = contact_inbox(self)
        if verdict.criterion == "mentor_min_age":
            raise ValidationError(
                _l(
                    "Mentors are %(age)s or older. To help in another way, or if you think this "
                    "is a mistake, write to %(contact)s.",
                    age=verdict.min_age,
                    contact=contact,
                )
            )
        raise ValidationError(
            _l(
                "The programme is for young people aged %(low)s to %(high)s. To talk about your "
                "situation, write to %(contact)s.",
                low=verdict.min_age,
                high=verdict.max_age,
                contact=contact,
            )
        )


def contact_inbox(form: ApplicationForm) -> str:
    """The inbox of the head office of the country the person would be routed to."""
    from forms_service.inboxes import inbox_of

    branches = form.site_data.branches
    head = branches.head_office(form.routed_branch().country)
    return inbox_of(branches, head)


class MentorForm(ProgrammeForm):
    kind = "mentor"


class MenteeForm(ProgrammeForm):
    kind = "mentee"


class VolunteerForm(PersonForm):
    role = RadioField(
        _l("What would you like to do?"),
        choices=ROLE_CHOICES,
        validators=[required(_l("Choose what you would like to do"))],
    )
    availability = MultiCheckboxField(
        _l("When are you usually available?"),
        description=_l("Select all that apply."),
        choices=AVAILABILITY_CHOICES,
        validators=[required(_l("Select when you are usually available"))],
    )
    message = TextAreaField(
        _l("Anything you would like to tell us? (optional)"),
        validators=[Optional(), Length(max=3000), PlainText()],
    )


class PartnerForm(ApplicationForm):
    organisation = StringField(
        _l("What is the name of your organisation?"),
        validators=[
            required(_l("Enter the name of your organisation")), Length(max=200), OneLine()
        ],
    )
    contact_name = StringField(
        _l("What is your name?"),
        validators=[required(_l("Enter your name")), Length(max=200), OneLine(), PersonName()],
    )
    email = StringField(
        _l("What is your e-mail address?"),
        validators=[required(_l("Enter your e-mail address")), Length(max=254), EmailAddress()],
    )
    country = RadioField(
        _l("In which country is your organisation?"),
        choices=COUNTRY_CHOICES,
        validators=[required(_l("Choose the country of your organisation"))],
    )
    postcode = StringField(
        _l("What is your organisation's postcode? (optional)"),
        validators=[Optional(), Length(max=10), OneLine()],
    )
    phone = StringField(
        _l("What is your phone number?"),
        description=_l("For example 02 203 02 31 or +32 2 203 02 31."),
        validators=[required(_l("Enter your phone number")), Length(max=32), PhoneNumber()],
    )
    partnership_type = RadioField(
        _l("What kind of partnership do you have in mind?"),
        choices=PARTNERSHIP_CHOICES,
        validators=[required(_l("Choose a kind of partnership"))],
    )
    message = TextAreaField(
        _l("What would you like to tell us?"),
        description=_l("A few lines about your organisation and your idea are enough."),
        validators=[required(_l("Enter a message")), Length(max=3000), PlainText()],
    )


FORMS: dict[str, type[ApplicationForm]] = {
    "mentor": MentorForm,
    "mentee": MenteeForm,
    "partner": PartnerForm,
    "volunteer": VolunteerForm,
}

# The order in which each form asks its questions.
FIELD_ORDER: dict[str, tuple[str, ...]] = {
    "mentor": ("first_name", "last_name", "birth_year", "email", "phone", "country", "postcode",
               "sector", "languages", "availability", "heard_from", "branch", "consent"),
    "mentee": ("first_name", "last_name", "birth_year", "email", "phone", "country", "postcode",
               "sector", "languages", "availability", "heard_from", "branch", "consent"),
    "partner": ("organisation", "contact_name", "email", "phone", "country", "postcode",
                "partnership_type", "message", "branch", "consent"),
    "volunteer": ("first_name", "last_name", "email", "phone", "country", "postcode", "role",
                  "availability", "message", "branch", "consent"),
}
