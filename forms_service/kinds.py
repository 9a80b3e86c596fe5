"""The registry of kinds of application: for each, its title, introduction, name, and the
questions its form asks, in order, with their labels, hints and choices.

The form classes (apply.forms), the templates, the e-mails and the staff's answer lists all
read it; the site's calls to action share its ids through sitedata.kinds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel import Locale
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from sitedata import load_default
from sitedata.formatting import format_items
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
    # Who may apply, as a list under the introduction (read from data when shown).
    criteria: Any = ()
    by_name: Mapping[str, Question] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_name", {q.name: q for q in self.questions})

    @property
    def fields(self) -> tuple[str, ...]:
        """The order in which the form asks its questions."""
        return tuple(q.name for q in self.questions)

    def question(self, name: str) -> Question:
        return self.by_name[name]


class LazyTuple:
    """A tuple of texts built when it is read, in the language of the request."""

    def __init__(self, build: Any) -> None:
        self._build = build

    def __iter__(self) -> Any:
        return iter(self._build())

    def __bool__(self) -> bool:
        return True


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

# --- what the texts read from data/programme.yml, at the time they are shown ----------------

# Example phone numbers, obviously made up: a run of zeros that is nobody's line.
EXAMPLE_PHONE = "0470 00 00 00"
EXAMPLE_PHONE_INTERNATIONAL = "+32 470 00 00 00"


def call_back_days() -> int:
    """The call-back promise: a coordinator calls a new applicant within this many days."""
    return load_default().programme.call_back.days


def example_birth_year(kind: str) -> int:
    """A birth year that fits the kind: a mentor over the minimum age, a young person in the
    middle of the age ranges (so the example never shows a year the form would refuse)."""
    rules = load_default().programme.eligibility
    if kind == "mentor":
        age = rules.mentor.min_age + 12
    else:
        low = min(r.min_age for r in rules.mentee.values())
        high = min(r.max_age for r in rules.mentee.values())
        age = (low + high) // 2
    return date.today().year - age


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale is not None else "fr"


def phone_hint() -> str:
    days = call_back_days()
    return ngettext(
        "A coordinator calls you within %(num)s day. For example %(example)s.",
        "A coordinator calls you within %(num)s days. For example %(example)s.",
        days, example=EXAMPLE_PHONE,
    )


def birth_year_hint(kind: str) -> str:
    return _(
        "For example %(year)s. We only need your age, not your date of birth.",
        year=example_birth_year(kind),
    )


def mentor_age() -> str:
    """The mentor's age rule in the site's words: "aged 50 or over", "50 ans ou plus"."""
    return load_default().programme.eligibility.mentor.says(_lang())


def mentor_intro() -> str:
    return _(
        "Are you %(age)s, with work experience? For six months, about two hours a week, you "
        "help a young person find their way to a job. You are trained first.",
        age=mentor_age(),
    )


@dataclass(frozen=True)
class Criterion:
    """A condition to take part, with its details (under the age, each country's range)."""

    text: str
    details: tuple[str, ...] = ()


def _ending(lang: str, last: bool) -> str:
    # As the site's lists: items end with ";" (in French after a narrow no-break space), the
    # last one with "."; an item that introduces details ends with its own ":".
    return "." if last else ("\u202f;" if lang == "fr" else ";")


def mentee_criteria() -> tuple[Criterion, ...]:
    """The young people's conditions from data/programme.yml, in its order and words, as the
    site's pages list them: under `age` the range of each country, and last the languages
    mentoring is offered in."""
    site = load_default()
    rules = site.programme.eligibility
    lang = _lang()
    criteria = []
    for condition in rules.mentee_conditions.items:
        details: tuple[str, ...] = ()
        if condition.id == "age":
            details = tuple(
                _("%(low)s to %(high)s years old %(where)s", low=r.min_age, high=r.max_age,
                  where=site.branches.countries[code].in_name[lang])  # type: ignore[index]
                + _ending(lang, False)
                for code, r in rules.mentee.items()
            )
        text = condition.text[lang]
        criteria.append(Criterion(text if text.endswith(":") else text + _ending(lang, False),
                                  details))
    spoken = format_items(
        [Locale.parse(lang).languages[code] for code in rules.mentoring_languages], lang, "or"
    )
    criteria.append(Criterion(_("you speak %(languages)s", languages=spoken) + "."))
    return tuple(criteria)


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
    hint=_l("We send you an e-mail there to confirm."),
    autocomplete="email", input_type="email", spellcheck=False,
)
COUNTRY = Question("country", _l("In which country do you live?"), choices=COUNTRY_CHOICES)
POSTCODE = Question(
    "postcode", _l("What is your postcode?"),
    hint=_l("For example 1050, 75011 or 3011 AB. It tells us which branch is nearest to you."),
    autocomplete="postal-code", width="10",
)
PHONE = Question(
    "phone", _l("What is your phone number?"), hint=LazyString(phone_hint),
    autocomplete="tel", input_type="tel", width="20",
)


def birth_year(kind: str) -> Question:
    return Question(
        "birth_year", _l("In which year were you born?"),
        hint=LazyString(birth_year_hint, kind),
        autocomplete="bday-year", inputmode="numeric", width="4",
    )


SECTOR = Question(
    "sector", _l("In which field do you work, or want to work?"),
    hint=_l("For example logistics, nursing, IT or accounting."),
)
LANGUAGES = Question(
    "languages", _l("Which languages do you speak?"), hint=_l("Tick all that apply."),
    choices=LANGUAGE_CHOICES, multiple=True,
)
AVAILABILITY = Question(
    "availability", _l("When are you usually free?"), hint=_l("Tick all that apply."),
    choices=AVAILABILITY_CHOICES, multiple=True,
)
HEARD_FROM = Question(
    "heard_from", _l("How did you hear about DUO for a JOB? (optional)"), choices=HEARD_CHOICES
)
BRANCH = Question(
    "branch", _l("Which branch would you like to contact you? (optional)"),
    hint=_l("If you leave this, we choose the branch nearest to your postcode."),
)
CONSENT = Question(
    "consent", _l("I agree that DUO for a JOB stores my answers to process my application.")
)


def programme_questions(kind: str) -> tuple[Question, ...]:
    return (
        FIRST_NAME, LAST_NAME, birth_year(kind), EMAIL, PHONE, COUNTRY, POSTCODE, SECTOR,
        LANGUAGES, AVAILABILITY, HEARD_FROM, BRANCH, CONSENT,
    )


KINDS: dict[str, Kind] = {
    "mentor": Kind(
        "mentor",
        name=_l("mentor"),
        title=_l("Become a mentor"),
        intro=LazyString(mentor_intro),
        questions=programme_questions("mentor"),
    ),
    "mentee": Kind(
        "mentee",
        name=_l("young person"),
        title=_l("Find a mentor"),
        intro=_l(
            "Are you young and looking for work? A mentor with years of work experience "
            "helps you for six months. It is free."
        ),
        criteria=LazyTuple(mentee_criteria),
        questions=programme_questions("mentee"),
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
                hint=_l("For example %(number)s or %(international)s.",
                        number=EXAMPLE_PHONE, international=EXAMPLE_PHONE_INTERNATIONAL),
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
            Question(
                "consent",
                _l("I agree that DUO for a JOB stores my answers to reply to my message."),
            ),
        ),
    ),
    "volunteer": Kind(
        "volunteer",
        name=_l("volunteer"),
        title=_l("Volunteer with us"),
        intro=_l(
            "Would you like to help without being a mentor? Review CVs, run events for "
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
