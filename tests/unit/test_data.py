"""The data files: one loader validates them, and figures are formatted per language."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitedata import DATA_DIR, DataError, load
from sitedata.formatting import format_figure
from sitedata.models import Figure

Edit = Callable[[dict[str, Any]], None]


def broken_copy(tmp_path: Path, name: str, edit: Edit) -> Path:
    """A copy of data/ in tmp_path with one file changed by `edit`."""
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / name
    content = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(content)
    path.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
    return data


def branch(content: dict[str, Any], branch_id: str) -> dict[str, Any]:
    return next(b for b in content["branches"] if b["id"] == branch_id)


def figure(content: dict[str, Any], figure_id: str) -> dict[str, Any]:
    return next(f for f in content["figures"] if f["id"] == figure_id)


def test_the_project_data_loads():
    data = load(DATA_DIR)
    assert data.impact.figures
    assert {b.country for b in data.branches.branches} == {"BE", "FR", "NL"}


@pytest.mark.parametrize(
    ("name", "edit", "expected"),
    [
        pytest.param(
            "branches.yml", lambda c: branch(c, "ghent").update(opened="soon"),
            ["branches.yml", "ghent", "opened"], id="branch-year-not-a-number",
        ),
        pytest.param(
            "branches.yml", lambda c: branch(c, "liege")["name"].pop("nl"),
            ["branches.yml", "liege", "name", "nl"], id="branch-name-missing-a-language",
        ),
        pytest.param(
            "branches.yml", lambda c: branch(c, "antwerp")["postcodes"][0].update(to="x"),
            ["branches.yml", "antwerp", "postcodes", "to"], id="postcode-range-end-not-a-number",
        ),
        pytest.param(
            "branches.yml", lambda c: branch(c, "mechelen").update(inbox="not-an-address"),
            ["branches.yml", "mechelen", "inbox"], id="inbox-not-an-address",
        ),
        pytest.param(
            "impact.yml", lambda c: figure(c, "sroi").update(unit="dollars"),
            ["impact.yml", "sroi", "unit"], id="figure-unknown-unit",
        ),
        pytest.param(
            "impact.yml", lambda c: figure(c, "stable_job").pop("year"),
            ["impact.yml", "stable_job", "year"], id="figure-without-year",
        ),
        pytest.param(
            "branches.yml", lambda c: branch(c, "mechelen")["postcodes"][0].update(to=2700),
            ["branches.yml", "mechelen", "postcodes[0]", "ends before it starts"],
            id="postcode-range-reversed",
        ),
        pytest.param(
            "programme.yml", lambda c: c["eligibility"]["mentee"]["NL"].pop("max_age"),
            ["programme.yml", "mentee.NL.max_age"], id="mentee-age-range-without-maximum",
        ),
        pytest.param(
            "programme.yml",
            lambda c: c["eligibility"]["mentor"]["wording"].update(nl="vijftig of ouder"),
            ["programme.yml", "mentor", "wording.nl", "{age}"],
            id="mentor-age-wording-without-the-age",
        ),
        pytest.param(
            "impact.yml", lambda c: figure(c, "young_people_2021").update(qualifier="roughly"),
            ["impact.yml", "young_people_2021", "qualifier"], id="figure-unknown-qualifier",
        ),
        pytest.param(
            "impact.yml", lambda c: figure(c, "branches_2023")["breakdown"].update(NL=2),
            ["impact.yml", "branches_2023", "does not add up"], id="breakdown-not-adding-up",
        ),
        pytest.param(
            "impact.yml", lambda c: c["sources"]["oecd_2023"]["name"].pop("fr"),
            ["impact.yml", "oecd_2023", "name.fr"], id="source-name-missing-a-language",
        ),
        pytest.param(
            "branches.yml", lambda c: c["countries"]["FR"].pop("in_name"),
            ["branches.yml", "countries.FR.in_name"], id="country-without-its-name-after-in",
        ),
    ],
)
def test_a_broken_data_file_fails_naming_the_file_the_entry_and_the_field(
    tmp_path: Path, name: str, edit: Edit, expected: list[str]
):
    data = broken_copy(tmp_path, name, edit)
    with pytest.raises(DataError) as failure:
        load(data)
    for word in expected:
        assert word in str(failure.value)


def test_overlapping_postcode_ranges_are_rejected(tmp_path: Path):
    def overlap(content: dict[str, Any]) -> None:
        # Ghent already covers 9000-9299.
        branch(content, "aalst")["postcodes"].append({"from": 9100, "to": 9150, "why": "test"})

    with pytest.raises(DataError) as failure:
        load(broken_copy(tmp_path, "branches.yml", overlap))
    message = str(failure.value)
    assert "branches.yml" in message
    assert "overlap" in message
    assert "ghent" in message and "aalst" in message


def test_a_figure_with_an_unknown_source_is_rejected(tmp_path: Path):
    data = broken_copy(tmp_path, "impact.yml", lambda c: figure(c, "sroi").update(source="rumour"))
    with pytest.raises(DataError) as failure:
        load(data)
    message = str(failure.value)
    assert "impact.yml" in message
    assert "sroi" in message
    assert "rumour" in message


def test_a_file_that_is_not_yaml_is_named(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "programme.yml").write_text("eligibility: [\n", encoding="utf-8")
    with pytest.raises(DataError, match="programme.yml: is not valid YAML"):
        load(data)


def test_a_missing_data_file_is_named(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    (data / "programme.yml").unlink()
    with pytest.raises(DataError, match="programme.yml"):
        load(data)


def test_a_chart_series_joining_two_measures_is_rejected(tmp_path: Path):
    """"Any job" (2017, 2024) and "a stable job" (2025) are two measures: never one line."""

    def join(content: dict[str, Any]) -> None:
        chart = next(c for c in content["charts"] if c["id"] == "outcomes_over_time")
        chart["series"][1]["figures"].append("stable_job")

    with pytest.raises(DataError) as failure:
        load(broken_copy(tmp_path, "impact.yml", join))
    message = str(failure.value)
    assert "outcomes_over_time" in message and "measure" in message


def test_no_chart_series_joins_two_measures_or_two_figures_of_one_year():
    impact = load(DATA_DIR).impact
    for chart in impact.charts:
        for series in chart.series:
            figures = [impact.figure(fid) for fid in series.figures]
            assert len({f.measure for f in figures}) == 1, (chart.id, series.label.en)
            assert None not in {f.measure for f in figures}
            assert len({f.year for f in figures}) == len(figures)


def test_the_2021_count_of_young_people_keeps_its_sources_nearly():
    """Think Human Foundation (2021): "Nearly 4,000 young people have already been supported"."""
    assert load(DATA_DIR).impact.figure("young_people_2021").qualifier == "nearly"


def test_the_2023_branch_count_is_split_by_country_as_its_source_gives_it():
    data = load(DATA_DIR)
    count = data.impact.figure("branches_2023")
    assert count.breakdown is not None
    assert sum(count.breakdown.values()) == count.value
    assert set(count.breakdown) <= set(data.branches.countries)


# English words a source's name had on French and Dutch pages ("Funder profile, 2018 data
# estimates", "annual report 2022", "project page").
ENGLISH_UI_WORDS = ("annual report", "project page", "profile", "estimates", "funder", "data")


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_source_names_carry_no_english_words_on_french_and_dutch_pages(lang: str):
    impact = load(DATA_DIR).impact
    english = {
        sid: source.name[lang]
        for sid, source in impact.sources.items()
        if any(word in source.name[lang].lower() for word in ENGLISH_UI_WORDS)
    }
    assert not english


def test_a_residence_permit_is_asked_only_of_those_who_are_not_nationals():
    """Citizens of immigrant background are part of the audience: the permit condition is
    conditional, in every language."""
    rules = load(DATA_DIR).programme.eligibility
    conditions = {c.id: c.text for c in rules.mentee_conditions.items}
    permit = conditions["residence_permit"]
    assert permit.fr.startswith("si vous n'avez pas la nationalité")
    assert permit.nl.startswith("als je niet de nationaliteit")
    assert permit.en.startswith("if you are not a national")
    assert "age" in conditions  # where the site lists each country's age range


def test_the_mentor_age_is_one_rule_said_the_same_way_in_each_language():
    mentor = load(DATA_DIR).programme.eligibility.mentor
    assert mentor.min_age == 50
    assert mentor.says("fr") == "50 ans ou plus"
    assert mentor.says("nl") == "50 jaar of ouder"
    assert mentor.says("en") == "aged 50 or over"


def test_a_branch_without_an_inbox_is_notified_through_the_head_office_chain():
    branches = load(DATA_DIR).branches
    paris, brussels = branches.get("paris"), branches.get("brussels")
    assert paris.inbox is None
    assert branches.inbox_branch(paris) == brussels
    assert branches.inbox_of(paris) == str(brussels.inbox)
    assert branches.inbox_branch(paris, {"paris": "paris@example.org"}) == paris
    assert branches.inbox_of(paris, {"paris": "paris@example.org"}) == "paris@example.org"


# Postcodes of places the `why` of a postcode range may name (public postal codes).
PLACES: dict[str, tuple[str, int]] = {
    "Lier": ("BE", 2500), "Kontich": ("BE", 2550), "Mortsel": ("BE", 2640),
    "Edegem": ("BE", 2650), "Hoboken": ("BE", 2660), "Boom": ("BE", 2850),
    "Willebroek": ("BE", 2830), "Bornem": ("BE", 2880), "Puurs": ("BE", 2870),
    "Schoten": ("BE", 2900), "Brasschaat": ("BE", 2930), "Kapellen": ("BE", 2950),
    "Brecht": ("BE", 2960), "Hasselt": ("BE", 3500), "Genk": ("BE", 3600),
    "Tienen": ("BE", 3300), "Aarschot": ("BE", 3200), "Diest": ("BE", 3290),
    "Verviers": ("BE", 4800), "Bastogne": ("BE", 6600), "Arlon": ("BE", 6700),
    "Marche-en-Famenne": ("BE", 6900), "Sint-Niklaas": ("BE", 9100),
    "Dendermonde": ("BE", 9200), "Geraardsbergen": ("BE", 9500), "Oudenaarde": ("BE", 9700),
    "Eeklo": ("BE", 9900), "Ninove": ("BE", 9400), "Mons": ("BE", 7000),
    "Tournai": ("BE", 7500), "Herentals": ("BE", 2200), "Turnhout": ("BE", 2300),
    "Hoogstraten": ("BE", 2320), "Geel": ("BE", 2440), "Mol": ("BE", 2400),
    "Saint-Étienne": ("FR", 42000), "Lansingerland": ("NL", 2650),
}


def test_every_place_a_postcode_reason_names_lies_in_that_range():
    """A `why` that names a town names one the range covers (Boom is 2850, not Antwerp's)."""
    wrong = []
    for b in load(DATA_DIR).branches.branches:
        for r in b.postcodes:
            for place, (country, code) in PLACES.items():
                named = re.search(rf"(?<![\w-]){re.escape(place)}(?![\w-])", r.why)
                if named and not (b.country == country and r.start <= code <= r.end):
                    wrong.append(f"{b.id} {r.start}-{r.end}: {place} is {country} {code}")
    assert not wrong


def make_figure(value: float, unit: str, qualifier: str | None = None) -> Figure:
    return Figure(
        id="f", group="scale", value=value, unit=unit, qualifier=qualifier, year=2025,
        source="s", label={"fr": "x", "nl": "x", "en": "x"},
    )


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "lang", "expected"),
    [
        (72, "percent", None, "fr", "72\u202f%"),
        (72, "percent", None, "nl", "72%"),
        (72, "percent", None, "en", "72%"),
        (9000, "count", "more_than", "fr", "plus de 9\u202f000"),
        (9000, "count", "more_than", "nl", "meer dan 9.000"),
        (9000, "count", "more_than", "en", "more than 9,000"),
        (4000, "count", "nearly", "fr", "près de 4\u202f000"),
        (4000, "count", "nearly", "nl", "bijna 4.000"),
        (4000, "count", "nearly", "en", "nearly 4,000"),
        (458, "count", "about", "fr", "environ 458"),
        (458, "count", "about", "nl", "ongeveer 458"),
        (458, "count", "about", "en", "about 458"),
        (5473, "count", None, "fr", "5\u202f473"),
        (5473, "count", None, "nl", "5.473"),
        (5473, "count", None, "en", "5,473"),
        (18, "euro", None, "fr", "18\u00a0€"),
        (18, "euro", None, "nl", "€\u00a018"),
        (18, "euro", None, "en", "€18"),
    ],
)
def test_a_figure_is_written_in_the_typography_of_each_language(
    value: float, unit: str, qualifier: str | None, lang: str, expected: str
):
    assert format_figure(make_figure(value, unit, qualifier), lang) == expected


@pytest.mark.parametrize(
    ("figure_id", "lang", "expected"),
    [
        ("positive_outcome", "fr", "72\u202f%"),
        ("positive_outcome", "nl", "72%"),
        ("positive_outcome", "en", "72%"),
        ("young_people_supported", "fr", "plus de 9\u202f000"),
        ("young_people_supported", "nl", "meer dan 9.000"),
        ("young_people_supported", "en", "more than 9,000"),
    ],
)
def test_the_impact_figures_are_formatted_per_language(figure_id: str, lang: str, expected: str):
    assert format_figure(load(DATA_DIR).impact.figure(figure_id), lang) == expected
