"""Without FLASK_SECRET_KEY, tokens are signed with a key of this machine's own, never a default."""

from __future__ import annotations

import stat
from pathlib import Path

from forms_service import create_app
from forms_service.config import instance_secret_key


def test_the_key_is_made_once_random_and_readable_by_its_owner_only(tmp_path: Path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = instance_secret_key(tmp_path / "a")
    assert len(first) == 64
    assert instance_secret_key(tmp_path / "a") == first  # kept: every worker signs alike
    assert instance_secret_key(tmp_path / "b") != first  # random: no two machines share it
    assert stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode) == 0o600


def test_an_app_without_a_configured_key_signs_with_the_instance_key(tmp_path: Path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/forms.sqlite3", "SITE_DIR": "/none"})
    stored = (Path(app.instance_path) / "secret_key").read_text().strip()
    assert app.config["SECRET_KEY"] == stored
    assert len(stored) == 64


def test_a_configured_key_wins(tmp_path: Path):
    app = create_app({
        "DATABASE_URL": f"sqlite:///{tmp_path}/forms.sqlite3", "SITE_DIR": "/none",
        "SECRET_KEY": "from-the-environment",
    })
    assert app.config["SECRET_KEY"] == "from-the-environment"
