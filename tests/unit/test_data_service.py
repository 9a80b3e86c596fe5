"""The loader names the file, the entry and the field of a bad edit; inbox overrides."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from forms_service.data import DATA_DIR, DataError, load, load_default
from forms_service.inboxes import inbox_of


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    path = data / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return data


def test_the_project_data_loads() -> None:
    site = load_default()
    assert site.programme.eligibility.mentor.min_age == 50
    assert site.branches.get("rotterdam").country == "NL"


def test_a_reversed_postcode_range_names_file_entry_and_field(tmp_path: Path) -> None:
    data = broken_copy(tmp_path, "branches.yml", "{from: 2800, to: 2899", "{from: 2899, to: 2800")
    with pytest.raises(DataError) as error:
        load(data)
    message = str(error.value)
    assert "branches.yml" in message
    assert "id: mechelen" in message
    assert "postcodes[0]" in message


def test_a_missing_mentee_age_field_is_named(tmp_path: Path) -> None:
    data = broken_copy(
        tmp_path, "programme.yml", "NL: {min_age: 18, max_age: 34,", "NL: {min_age: 18,"
    )
    with pytest.raises(DataError) as error:
        load(data)
    message = str(error.value)
    assert "programme.yml" in message and "mentee.NL.max_age" in message


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    data = broken_copy(tmp_path, "programme.yml", "eligibility:", "eligibility: [")
    with pytest.raises(DataError, match="programme.yml"):
        load(data)


def test_a_branch_without_inbox_uses_its_head_office_and_operators_can_override() -> None:
    branches = load_default().branches
    antwerp, lyon = branches.get("antwerp"), branches.get("lyon")
    assert inbox_of(branches, antwerp, {}) == "brussels@duoforajob.be"
    assert inbox_of(branches, lyon, {}) == "brussels@duoforajob.be"
    assert inbox_of(branches, antwerp, {"antwerp": "a@example.org"}) == "a@example.org"
    assert inbox_of(branches, lyon, {"paris": "paris@example.org"}) == "paris@example.org"
