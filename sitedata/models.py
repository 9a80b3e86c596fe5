"""The schema of data/*.yml: pydantic models shared by the site build and the service."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, model_validator

Lang = Literal["fr", "nl", "en"]
Country = Literal["BE", "FR", "NL"]


class DataError(ValueError):
    """A data file is missing, unreadable or does not match its schema."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Translated(Strict):
    """A text in each site language; none may be missing or empty."""

    fr: str = Field(min_length=1)
    nl: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def __getitem__(self, lang: str) -> str:
        return getattr(self, lang)


# --- impact.yml ---------------------------------------------------------------------------


class Source(Strict):
    # Shown on every page beside the figure: a title stays as published, the words around
    # it are in the page's language.
    name: Translated
    year: int = Field(ge=2000, le=2100)


class Figure(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    group: Literal["outcomes", "effects", "scale", "history"]
    value: float
    unit: Literal["percent", "count", "euro"]
    # As the source says it: "more than 9,000", "nearly 4,000", "about 458".
    qualifier: Literal["more_than", "nearly", "about"] | None = None
    year: int = Field(ge=2000, le=2100)
    source: str
    label: Translated
    # What is measured, so a chart never joins two measures in one series.
    measure: str | None = Field(default=None, pattern=r"^[a-z0-9_]+$")
    # A count split by country, as the source gives it (the parts add up to the value).
    breakdown: dict[Country, int] | None = None

    @model_validator(mode="after")
    def _breakdown_adds_up(self) -> Figure:
        if self.breakdown is not None and sum(self.breakdown.values()) != self.value:
            raise ValueError(
                f"breakdown {dict(self.breakdown)} does not add up to the value {self.value:g}"
            )
        return self


class ChartSeries(Strict):
    label: Translated
    figures: list[str] = Field(min_length=1)


class Chart(Strict):
    id: str
    kind: Literal["bars", "grouped_bars"]
    title: Translated
    series: list[ChartSeries] = Field(min_length=1)
    # Shown under the chart, e.g. where a source changed what it measures.
    note: Translated | None = None


class Impact(Strict):
    sources: dict[str, Source]
    figures: list[Figure]
    charts: list[Chart] = []

    @model_validator(mode="after")
    def _references_resolve(self) -> Impact:
        ids = [f.id for f in self.figures]
        dupes = {i for i in ids if ids.count(i) > 1}
        if dupes:
            raise ValueError(f"figure ids are not unique: {sorted(dupes)}")
        for f in self.figures:
            if f.source not in self.sources:
                raise ValueError(f"figure {f.id!r}: source {f.source!r} is not in 'sources'")
        by_id = {f.id: f for f in self.figures}
        for c in self.charts:
            for s in c.series:
                for fid in s.figures:
                    if fid not in ids:
                        raise ValueError(f"chart {c.id!r}: figure {fid!r} does not exist")
                years = [by_id[fid].year for fid in s.figures]
                if len(years) != len(set(years)):
                    raise ValueError(
                        f"chart {c.id!r}, series {s.label.en!r}: two figures of one year"
                    )
                measures = {by_id[fid].measure for fid in s.figures}
                if len(measures) != 1 or None in measures:
                    raise ValueError(
                        f"chart {c.id!r}, series {s.label.en!r}: its figures must share one "
                        f"measure, not {sorted(str(m) for m in measures)}"
                    )
        return self

    def figure(self, figure_id: str) -> Figure:
        for f in self.figures:
            if f.id == figure_id:
                return f
        raise KeyError(figure_id)


# --- branches.yml -------------------------------------------------------------------------


class PostcodeRange(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    start: int = Field(alias="from", ge=0)
    end: int = Field(alias="to", ge=0)
    why: str = Field(min_length=1)

    @model_validator(mode="after")
    def _ordered(self) -> PostcodeRange:
        if self.start > self.end:
            raise ValueError(f"range {self.start}-{self.end} ends before it starts")
        return self


class CountryInfo(Strict):
    name: Translated
    timezone: str = Field(pattern=r"^Europe/[A-Za-z_]+$")
    # The name as it follows a preposition: "en Belgique", "in België", "in Belgium".
    in_name: Translated
    # The branch that receives the country's applications when no branch is nearer. A
    # routing rule, not a title: no source calls it a head office.
    head_office: str
    postcode_digits: int = Field(ge=4, le=5)


class Listing(Strict):
    """Where the list of branches comes from: the organisation counts more branches than
    public sources name (see impact.yml)."""

    year: int = Field(ge=2013, le=2100)
    source: Translated


class Branch(Strict):
    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Translated
    country: Country
    opened: int = Field(ge=2013, le=2100)
    # The language the branch's team is written to in (its notifications): the
    # organisation's setting, not the languages mentoring is offered in.
    languages: list[Lang] = Field(min_length=1)
    address: str | None = None
    phone: str | None = None
    inbox: EmailStr | None = None
    contact_source: str | None = None
    postcodes: list[PostcodeRange] = []

    @model_validator(mode="after")
    def _contact_has_source(self) -> Branch:
        if (self.address or self.phone or self.inbox) and not self.contact_source:
            raise ValueError("a contact detail needs a contact_source")
        return self


class Branches(Strict):
    organisation_head_office: str
    listing: Listing
    countries: dict[Country, CountryInfo]
    branches: list[Branch]

    @model_validator(mode="after")
    def _consistent(self) -> Branches:
        ids = [b.id for b in self.branches]
        if len(ids) != len(set(ids)):
            raise ValueError("branch ids are not unique")
        if self.organisation_head_office not in ids:
            raise ValueError(
                f"organisation_head_office {self.organisation_head_office!r} is no branch"
            )
        for code, country in self.countries.items():
            if country.head_office not in ids:
                raise ValueError(
                    f"countries.{code}.head_office {country.head_office!r} is no branch"
                )
        for code in self.countries:
            ranges = sorted(
                (r.start, r.end, b.id)
                for b in self.branches
                if b.country == code
                for r in b.postcodes
            )
            limit = 10 ** self.countries[code].postcode_digits - 1
            for (s1, e1, b1), (s2, e2, b2) in zip(ranges, ranges[1:], strict=False):
                if s2 <= e1:
                    raise ValueError(
                        f"{code} postcode ranges overlap: {b1} {s1}-{e1} and {b2} {s2}-{e2}"
                    )
            for _, end, branch_id in ranges:
                if end > limit:
                    raise ValueError(
                        f"{code} branch {branch_id}: postcode {end} has more than "
                        f"{len(str(limit))} digits"
                    )
        return self

    def get(self, branch_id: str) -> Branch:
        for b in self.branches:
            if b.id == branch_id:
                return b
        raise KeyError(branch_id)

    def timezone_of(self, branch_id: str) -> str:
        """The time zone of the branch's country: its information sessions are held in it."""
        return self.countries[self.get(branch_id).country].timezone

    def head_office(self, country: str | None) -> Branch:
        info = self.countries.get(country) if country else None  # type: ignore[call-overload]
        return self.get(info.head_office if info else self.organisation_head_office)

    def inbox_branch(self, branch: Branch, overrides: Mapping[str, str] | None = None) -> Branch:
        """The branch whose inbox receives `branch`'s notifications: itself, else its
        country's head office, else the organisation's head office."""
        overrides = overrides or {}
        for candidate in (branch, self.head_office(branch.country), self.head_office(None)):
            if overrides.get(candidate.id) or candidate.inbox:
                return candidate
        raise DataError("branches.yml: the organisation's head office has no inbox")

    def inbox_of(self, branch: Branch, overrides: Mapping[str, str] | None = None) -> str:
        """The branch's inbox, else its country's head office's, else the organisation's;
        at each step an operator's override (branch id -> address) wins over the data."""
        overrides = overrides or {}
        holder = self.inbox_branch(branch, overrides)
        return overrides.get(holder.id) or str(holder.inbox)


# --- programme.yml ------------------------------------------------------------------------


class AgeRange(Strict):
    min_age: int = Field(ge=14, le=120)
    max_age: int = Field(ge=14, le=120)
    year: int
    source: str


class MentorRule(Strict):
    min_age: int = Field(ge=18, le=120)
    # How the site says the rule, with "{age}" for min_age: "{age} ans ou plus".
    wording: Translated
    source: str

    @model_validator(mode="after")
    def _wording_states_the_age(self) -> MentorRule:
        for lang in ("fr", "nl", "en"):
            if "{age}" not in self.wording[lang]:
                raise ValueError(f"wording.{lang} must contain {{age}}")
        return self

    def says(self, lang: str) -> str:
        """The rule in words: "50 ans ou plus", "50 jaar of ouder", "aged 50 or over"."""
        return self.wording[lang].replace("{age}", str(self.min_age))


class MenteeCondition(Strict):
    id: str = Field(pattern=r"^[a-z0-9_]+$")
    text: Translated


class MenteeConditions(Strict):
    """What a young person must meet besides the age range (per country, in `mentee`)."""

    items: list[MenteeCondition] = Field(min_length=1)
    source: str


class Eligibility(Strict):
    mentor: MentorRule
    mentee: dict[Country, AgeRange]
    mentee_conditions: MenteeConditions
    # The languages mentoring is offered in (a young person speaks at least one of them).
    mentoring_languages: list[Lang] = Field(min_length=1)


class Privacy(Strict):
    version: str = Field(min_length=1)
    retention_months: int = Field(ge=1, le=120)


class CallBack(Strict):
    """How soon a coordinator calls a new applicant: a promise the organisation sets."""

    days: int = Field(ge=1, le=30)
    source: str = Field(min_length=1)


class Pipeline(Strict):
    """The workspace's steps per kind, in order, and the closing states."""

    steps: dict[Literal["mentor", "mentee", "partner", "volunteer"], list[str]]
    closing: list[str] = Field(min_length=1)
    labels: dict[str, Translated]

    @model_validator(mode="after")
    def _consistent(self) -> Pipeline:
        for kind, steps in self.steps.items():
            if len(steps) < 2 or steps[0] != "new" or len(set(steps)) != len(steps):
                raise ValueError(f"steps.{kind}: starts with 'new', at least two, no repeats")
            if set(steps) & set(self.closing):
                raise ValueError(f"steps.{kind}: a step is also a closing state")
        every = {s for steps in self.steps.values() for s in steps} | set(self.closing)
        missing = sorted(every - set(self.labels))
        if missing:
            raise ValueError(f"labels missing for {missing}")
        return self


class Programme(Strict):
    eligibility: Eligibility
    call_back: CallBack
    privacy: Privacy
    pipeline: Pipeline


# --- all of it ----------------------------------------------------------------------------


class SiteData(Strict):
    impact: Impact
    branches: Branches
    programme: Programme
