"""The four application forms. Labels, hints and choices come from the registry of kinds
(forms_service.kinds); this module adds the checks. Forms never touch the database."""

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

from forms_service.apply.validators import (
    EmailAddress,
    OneLine,
    PersonName,
    PhoneNumber,
    PlainText,
    TypedText,
)
from forms_service.domain import eligibility
from forms_service.domain.text import typed_text
from forms_service.kinds import (
    EXAMPLE_PHONE,
    EXAMPLE_PHONE_INTERNATIONAL,
    KINDS,
    Question,
    example_birth_year,
)
from forms_service.mail.inboxes import inbox_of
from forms_service.services.applications import routed_branch
from sitedata.models import SiteData

NOT_ANSWERS = {"csrf_token", "submission_token", "website", "consent"}
# Each length error names its field (WTForms' own says only "Field cannot be longer…").
EMAIL_LENGTH = _l("Your e-mail address must be %(max)d characters or fewer")
PHONE_LENGTH = _l("Your phone number must be %(max)d characters or fewer")
MESSAGE_LENGTH = _l("Your message must be %(max)d characters or fewer")
# The examples are nobody's number (forms_service.kinds).
PHONE_FORMAT = _l(
    "Enter your phone number like %(number)s or %(international)s",
    number=EXAMPLE_PHONE, international=EXAMPLE_PHONE_INTERNATIONAL,
)


def required(message: Any) -> InputRequired:
    return InputRequired(message=message)


def ask(question: Question, field_class: type[Field] = StringField, **kwargs: Any) -> Field:
    """A field asking `question`: its label, hint and choices come from the registry."""
    if question.choices:
        kwargs["choices"] = [SelectChoice(v, label) for v, label in question.choices]
    return field_class(question.label, description=question.hint, **kwargs)


class AsTypedField(StringField):
    """A text answer whose validators may store a normalised value (+32470123456, 1960)
    while the page, sent back with an error, shows what the person typed (0470 12 34 56,
    ١٩٦٠): nobody should find their answer rewritten."""

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return super()._value()


class SeveralChoicesField(SelectMultipleField):
    """Checkboxes: a value sent several times (a forged request can repeat one 3,000 times)
    counts once."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(list(dict.fromkeys(valuelist)))


def ask_text(question: Question, **kwargs: Any) -> Field:
    return ask(question, AsTypedField, **kwargs)


def ask_one(question: Question, **kwargs: Any) -> Field:
    return ask(question, RadioField, **kwargs)


def ask_several(question: Question, **kwargs: Any) -> Field:
    return ask(question, SeveralChoicesField, **kwargs)


@functools.cache
def wtforms_translations(locale: str) -> support.Translations:
    """WTForms' own messages in a language, read once per process (Flask-WTF reads the
    catalogue from disk again on every request)."""
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


PERSON, PARTNER, VOLUNTEER = KINDS["mentor"], KINDS["partner"], KINDS["volunteer"]
Q = PERSON.question


class ApplicationForm(FlaskForm):
    """Fields every form shares: consent, the branch choice, the resend token and the honeypot."""

    kind: str = ""

    class Meta:
        def get_translations(self, form: Any) -> support.Translations:
            return wtforms_translations(str(get_locale()))

    # Read by the service: an identical token means the same form was sent again.
    submission_token = HiddenField()
    # Honeypot: hidden from people (CSS, aria-hidden, tabindex=-1); bots fill it.
    website = StringField(_l("Leave this field empty"))
    branch = ask(Q("branch"), SelectField, choices=[], validate_choice=False)
    consent = BooleanField(
        Q("consent").label,
        validators=[required(_l("Tick the box to agree to the privacy notice"))],
    )

    def __init__(self, *args: Any, site_data: SiteData, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.site_data = site_data
        self.lang = lang
        self.branch.choices = [
            SelectChoice("", _l("Let us choose")),
            *(SelectChoice(b.id, b.name[lang]) for b in site_data.branches.branches),
        ]

    def validate_branch(self, field: Field) -> None:
        ids = {b.id for b in self.site_data.branches.branches}
        if field.data and field.data not in ids:
            raise ValidationError(_l("Choose a branch from the list"))

    def answers(self) -> dict[str, Any]:
        """The answers by question name, as validated (normalised e-mail and phone)."""
        return {name: f.data for name, f in self._fields.items() if name not in NOT_ANSWERS}


class PersonForm(ApplicationForm):
    first_name = ask_text(
        Q("first_name"),
        validators=[
            required(_l("Enter your first name")),
            Length(max=100, message=_l("Your first name must be %(max)d characters or fewer")),
            OneLine(),
            PersonName(link_message=_l("Write your first name without a web address")),
        ],
    )
    last_name = ask_text(
        Q("last_name"),
        validators=[
            Optional(),
            Length(max=100, message=_l("Your last name must be %(max)d characters or fewer")),
            OneLine(),
            PersonName(link_message=_l("Write your last name without a web address")),
        ],
    )
    email = ask_text(
        Q("email"),
        validators=[
            required(_l("Enter your e-mail address")),
            Length(max=254, message=EMAIL_LENGTH), EmailAddress(),
        ],
    )
    country = ask_one(Q("country"), validators=[required(_l("Choose the country where you live"))])
    postcode = ask_text(
        Q("postcode"),
        validators=[
            required(_l("Enter your postcode")),
            Length(max=10, message=_l("Your postcode must be %(max)d characters or fewer")),
            OneLine(), TypedText(),
        ],
    )
    phone = ask_text(
        Q("phone"),
        validators=[
            required(_l("Enter your phone number")),
            Length(max=32, message=PHONE_LENGTH), PhoneNumber(message=PHONE_FORMAT),
        ],
    )


class ProgrammeForm(PersonForm):
    """Mentor and mentee: age, sector, languages, availability."""

    birth_year = ask_text(
        Q("birth_year"), validators=[required(_l("Enter the year you were born"))]
    )
    sector = ask_text(
        Q("sector"),
        validators=[
            required(_l("Enter a sector or field")),
            Length(max=200, message=_l("Your field of work must be %(max)d characters or fewer")),
            OneLine(),
        ],
    )
    languages = ask_several(
        Q("languages"), validators=[required(_l("Select at least one language"))]
    )
    availability = ask_several(
        Q("availability"), validators=[required(_l("Select when you are usually available"))]
    )
    heard_from = ask_one(Q("heard_from"), validators=[Optional()])

    def validate_birth_year(self, field: Field) -> None:
        # Four digits in any script (١٩٦٢, ۱۹۶۲, １９６２) are four digits: stored as 1962.
        text = typed_text(field.data or "")
        this_year = date.today().year
        if not (text.isascii() and text.isdigit() and len(text) == 4):
            raise ValidationError(_l(
                "Enter the year you were born as four digits, like %(year)s",
                year=example_birth_year(self.kind),
            ))
        field.data = text
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
                    "Mentors are %(age)s. To help in another way, or if you think this is a "
                    "mistake, write to %(contact)s.",
                    # The rule in the site's words: "aged 50 or over", "50 ans ou plus".
                    age=self.site_data.programme.eligibility.mentor.says(self.lang),
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
    branches = form.site_data.branches
    branch = routed_branch(form.site_data, form.answers())
    return inbox_of(branches, branches.head_office(branch.country))


class MentorForm(ProgrammeForm):
    kind = "mentor"


class MenteeForm(ProgrammeForm):
    kind = "mentee"


class VolunteerForm(PersonForm):
    kind = "volunteer"
    V = VOLUNTEER.question
    role = ask_one(V("role"), validators=[required(_l("Choose what you would like to do"))])
    availability = ask_several(
        V("availability"), validators=[required(_l("Select when you are usually available"))]
    )
    message = ask(
        V("message"), TextAreaField,
        validators=[Optional(), Length(max=3000, message=MESSAGE_LENGTH), PlainText()],
    )
    del V


class PartnerForm(ApplicationForm):
    kind = "partner"
    P = PARTNER.question
    organisation = ask_text(
        P("organisation"),
        validators=[
            required(_l("Enter the name of your organisation")),
            Length(max=200, message=_l(
                "The name of your organisation must be %(max)d characters or fewer"
            )),
            OneLine(),
        ],
    )
    contact_name = ask_text(
        P("contact_name"),
        validators=[
            required(_l("Enter your name")),
            Length(max=200, message=_l("Your name must be %(max)d characters or fewer")),
            OneLine(),
            PersonName(link_message=_l("Write your name without a web address")),
        ],
    )
    email = ask_text(
        P("email"),
        validators=[
            required(_l("Enter your e-mail address")),
            Length(max=254, message=EMAIL_LENGTH), EmailAddress(),
        ],
    )
    country = ask_one(
        P("country"), validators=[required(_l("Choose the country of your organisation"))]
    )
    postcode = ask_text(
        P("postcode"),
        validators=[
            Optional(),
            Length(max=10, message=_l(
                "Your organisation's postcode must be %(max)d characters or fewer"
            )),
            OneLine(), TypedText(),
        ],
    )
    phone = ask_text(
        P("phone"),
        validators=[
            required(_l("Enter your phone number")),
            Length(max=32, message=PHONE_LENGTH), PhoneNumber(message=PHONE_FORMAT),
        ],
    )
    partnership_type = ask_one(
        P("partnership_type"), validators=[required(_l("Choose a kind of partnership"))]
    )
    message = ask(
        P("message"), TextAreaField,
        validators=[
            required(_l("Enter a message")), Length(max=3000, message=MESSAGE_LENGTH), PlainText()
        ],
    )
    del P


# The form class of each kind in the registry.
FORMS: dict[str, type[ApplicationForm]] = {
    "mentor": MentorForm,
    "mentee": MenteeForm,
    "partner": PartnerForm,
    "volunteer": VolunteerForm,
}
assert set(FORMS) == set(KINDS), "every kind in the registry has a form"
