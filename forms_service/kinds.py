"""The registry of kinds of application: for each, its title, introduction, name, and the
questions its form asks, in order, with their labels, hints and choices.

The form classes (apply.forms), the templates, the e-mails and the staff's answer lists all
read it; the site's calls to action share its ids through sitedata.kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from sitedata.kinds import KINDS as KIND_IDS

Text = Any  # a lazy translated string


@dataclass(frozen=True)
class Question:
    name: str
    label: Text
    hint: Text | None = None
    choices: tuple[tuple[str, Text], ...] = ()
    # What the browser may fill in, and how it types (HTML autocomplete and inputmode).
    autocomplete: str | None = None
    input_type: str = "text"
    inputmode: str | None = None
    width: str | None = None
    spellcheck: bool | None = None
    multiple: bool = False

    def display(self, value: Any) -> str:
        """An answer as people read it: choice labels rather than stored values."""
        if self.choices:
            labels = {v: str(label) for v, label in self.choices}
            values = value if isinstance(value, list) else ([value] if value else [])
            return ", ".join(labels.get(v, str(v)) for v in values)
        return "" if value is None else str(value)


@dataclass(frozen=True)
class Kind:
    id: str
    name: Text
    title: Text
    intro: Text
    questions: tuple[Question, ...]
    by_name: Mapping[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {q.name: q for q in self.questions})

    @property
    def fields(self) -> tuple[str, ...]:
        """The order in which the form asks its questions."""
        return tuple(q.name for q in self.questions)

    def question(self, name: str) -> Question:
        return self.by_name[name]


COUNTRY_CHOICES = (("BE", _l("Belgium")), ("FR", _l("France")), ("NL", _l("Netherlands")))
LANGUAGE_CHOICES = (
    ("fr", _l("French")),
    ("nl", _l("Dutch")),
    ("en", _l("English")),
    ("other", _l("Another language")),
)
AVAILABILITY_CHOICES = (
    ("weekday_daytime", _l("Weekdays, during the day")),
    ("weekday_evening", _l("Weekday evenings")),
    ("weekend", _l("Weekends")),
)
HEARD_CHOICES = (
    ("friend", _l("A friend, a relative or a colleague")),
    ("organisation", _l("An organisation, a job centre or a social worker")),
    ("social_media", _l("Social media")),
    ("search", _l("A search engine")),
    ("press", _l("Press, radio or television")),
    ("event", _l("An event")),
    ("other", _l("Another way")),
)
PARTNERSHIP_CHOICES = (
    ("field_collaboration", _l("Field collaboration (sending us young people, hosting sessions)")),
    ("subsidy", _l("Subsidy")),
    ("financial_sponsorship", _l("Financial sponsorship")),
    (
        "skills_sponsorship",
        _l("Skills sponsorship (employees near the end of their career mentor)"),
    ),
    ("solidarity_fundraising", _l("Solidarity fundraising")),
)
ROLE_CHOICES = (
    ("cv_review", _l("Reviewing CVs")),
    ("mentor_events", _l("Running events for mentors")),
    ("representing", _l("Representing the organisation at events")),
    ("other", _l("Something else")),
)

# --- questions shared by several kinds ----------------------------------------------------

FIRST_NAME = Question(
    "first_name", _l("What is your first name?"),
    hint=_l("If you have only one name, write it here."),
    autocomplete="given-name", spellcheck=False,
)
LAST_NAME = Question(
    "last_name", _l("What is your last name? (optional)"),
    autocomplete="family-name", spellcheck=False,
)
EMAIL = Question(
    "email", _l("What is your e-mail address?"),
    hint=_l("We send the confirmation of your application there."),
    autocomplete="email", input_type="email", spellcheck=False,
)
COUNTRY = Question("country", _l("In which country do you live?"), choices=COUNTRY_CHOICES)
POSTCODE = Question(
    "postcode", _l("What is your postcode?"),
    hint=_l("For example 1050, 75011 or 3011 AB. It tells us which branch is nearest."),
    autocomplete="postal-code", width="10",
)
PHONE = Question(
    "phone", _l("What is your phone number?"),
    hint=_l("A coordinator calls you within a few days. For example 0470 12 34 56."),
    autocomplete="tel", input_type="tel", width="20",
)
BIRTH_YEAR = Question(
    "birth_year", _l("In which year were you born?"),
    hint=_l("For example 1962. We only need your age, not your full date of birth."),
    autocomplete="bday-year", inputmode="numeric", width="4",
)
SECTOR = Question(
    "sector", _l("In which sector or field do you work, or want to work?"),
    hint=_l("For example logistics, nursing, IT or accounting."),
)
LANGUAGES = Question(
    "languages", _l("Which languages do you speak?"), hint=_l("Select all that apply."),
    choices=LANGUAGE_CHOICES, multiple=True,
)
AVAILABILITY = Question(
    "availability", _l("When are you usually available?"), hint=_l("Select all that apply."),
    choices=AVAILABILITY_CHOICES, multiple=True,
)
HEARD_FROM = Question(
    "heard_from", _l("How did you hear about DUO for a JOB? (optional)"), choices=HEARD_CHOICES
)
BRANCH = Question(
    "branch", _l("Which branch would you like to contact you? (optional)"),
    hint=_l("We choose the branch nearest to your postcode if you leave this."),
)
CONSENT = Question(
    "consent", _l("I agree that DUO for a JOB stores my answers to process my application.")
)
PROGRAMME_QUESTIONS = (
    FIRST_NAME, LAST_NAME, BIRTH_YEAR, EMAIL, PHONE, COUNTRY, POSTCODE, SECTOR, LANGUAGES,
    AVAILABILITY, HEARD_FROM, BRANCH, CONSENT,
)

KINDS: dict[str, Kind] = {
    "mentor": Kind(
        "mentor",
        name=_l("mentor"),
        title=_l("Become a mentor"),
        intro=_l(
            "You are 50 or older and have work experience? For six months, about two hours "
            "a week, you help a young job seeker find their way to work."
        ),
        questions=PROGRAMME_QUESTIONS,
    ),
    "mentee": Kind(
        "mentee",
        name=_l("mentee"),
        title=_l("Find a mentor"),
        intro=_l(
            "You are young, looking for work, and you or your family came from outside the "
            "European Union? A mentor with years of work experience helps you for six "
            "months, free of charge."
        ),
        questions=PROGRAMME_QUESTIONS,
    ),
    "partner": Kind(
        "partner",
        name=_l("partner"),
        title=_l("Become a partner"),
        intro=_l(
            "Your organisation wants to work with us, fund the programme or let its "
            "employees become mentors? Tell us about it."
        ),
        questions=(
            Question(
                "organisation", _l("What is the name of your organisation?"),
                autocomplete="organization",
            ),
            Question(
                "contact_name", _l("What is your name?"), autocomplete="name", spellcheck=False
            ),
            Question(
                "email", _l("What is your e-mail address?"),
                autocomplete="email", input_type="email", spellcheck=False,
            ),
            Question(
                "phone", _l("What is your phone number?"),
                hint=_l("For example 02 203 02 31 or +32 2 203 02 31."),
                autocomplete="tel", input_type="tel", width="20",
            ),
            Question(
                "country", _l("In which country is your organisation?"), choices=COUNTRY_CHOICES
            ),
            Question(
                "postcode", _l("What is your organisation's postcode? (optional)"),
                autocomplete="postal-code", width="10",
            ),
            Question(
                "partnership_type", _l("What kind of partnership do you have in mind?"),
                choices=PARTNERSHIP_CHOICES,
            ),
            Question(
                "message", _l("What would you like to tell us?"),
                hint=_l("A few lines about your organisation and your idea are enough."),
            ),
            BRANCH,
            CONSENT,
        ),
    ),
    "volunteer": Kind(
        "volunteer",
        name=_l("volunteer"),
        title=_l("Volunteer with us"),
        intro=_l(
            "You would like to help without being a mentor? Review CVs, run events for "
            "mentors or represent DUO for a JOB."
        ),
        questions=(
            FIRST_NAME, LAST_NAME, EMAIL, PHONE, COUNTRY, POSTCODE,
            Question("role", _l("What would you like to do?"), choices=ROLE_CHOICES),
            AVAILABILITY,
            Question("message", _l("Anything you would like to tell us? (optional)")),
            BRANCH,
            CONSENT,
        ),
    ),
}
assert tuple(KINDS) == KIND_IDS, "forms_service.kinds and sitedata.kinds list the same kinds"
