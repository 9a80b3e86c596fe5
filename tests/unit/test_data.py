"""The data files: one loader validates them, and figures are formatted per language."""

from __future__ import annotations

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
