"""Settings the service cannot run with stop it at start, with a message; the files it keeps
(the instance folder, the SQLite database and its log) are its owner's alone."""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

import pytest
from apply_support import ApplicationActions, make_app

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]
FLASK = PROJECT / ".venv" / "bin" / "flask"
GUNICORN = PROJECT / ".venv" / "bin" / "gunicorn"

BAD_INBOXES = [
    ('{"antwerp": "antwerpen@example.org"', "FLASK_BRANCH_INBOXES is not valid JSON"),
    ('{"antwerpen": "antwerpen@example.org"}',
     "FLASK_BRANCH_INBOXES names unknown branches: antwerpen"),
    ('{"ghent": "not an address"}', "FLASK_BRANCH_INBOXES has no valid e-mail address for: ghent"),
    ('["ghent", "gent@example.org"]', "FLASK_BRANCH_INBOXES must be a JSON object"),
]


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {**os.environ, "FLASK_DATABASE_URL": f"sqlite:///{tmp_path / 'forms.sqlite3'}",
           "FLASK_SECRET_KEY": "configuration-test", "FLASK_SITE_DIR": "/nonexistent"}
    env.pop("FLASK_MAIL_SERVER", None)
    return {**env, **settings}


@pytest.mark.parametrize(("value", "message"), BAD_INBOXES)
def test_a_wrong_branch_inboxes_setting_stops_the_app_with_a_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str, message: str
) -> None:
    from forms_service import create_app
    from forms_service.config import ConfigurationError

    for name, setting in environment(tmp_path, FLASK_BRANCH_INBOXES=value).items():
        monkeypatch.setenv(name, setting)
    with pytest.raises(ConfigurationError, match=message):
        create_app()


@pytest.mark.parametrize(("value", "message"), BAD_INBOXES[:2])
def test_the_flask_commands_refuse_to_run_with_a_wrong_branch_inboxes_setting(
    tmp_path: Path, value: str, message: str
) -> None:
    result = subprocess.run(
        [str(FLASK), "--app", "forms_service", "db", "upgrade"], cwd=PROJECT,
        env=environment(tmp_path, FLASK_BRANCH_INBOXES=value), capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"Error: {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "forms.sqlite3").exists()


def test_gunicorn_does_not_start_with_a_wrong_branch_inboxes_setting(tmp_path: Path) -> None:
    from localservers import free_port

    env = environment(tmp_path, FLASK_BRANCH_INBOXES='{"antwerpen": "a@example.org"}',
                      GUNICORN_BIND=f"127.0.0.1:{free_port()}", GUNICORN_WORKERS="1")
    result = subprocess.run(
        [str(GUNICORN), "-c", "deploy/gunicorn.conf.py", "forms_service:create_app()"],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "FLASK_BRANCH_INBOXES names unknown branches: antwerpen" in result.stderr


def test_a_valid_branch_inboxes_setting_from_the_environment_is_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from forms_service import create_app

    for name, setting in environment(
        tmp_path, FLASK_BRANCH_INBOXES='{"ghent": "gent@example.org"}'
    ).items():
        monkeypatch.setenv(name, setting)
    assert create_app().config["BRANCH_INBOXES"] == {"ghent": "gent@example.org"}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_database_its_log_and_the_instance_folder_are_readable_by_their_owner_only(
    tmp_path: Path,
) -> None:
    """Under the usual umask (022) the database would be readable by every local user."""
    instance = tmp_path / "instance"
    database = instance / "forms.sqlite3"
    env = environment(tmp_path, FLASK_DATABASE_URL=f"sqlite:///{database}")
    subprocess.run(
        [str(FLASK), "--app", "forms_service", "db", "upgrade"], cwd=PROJECT, env=env,
        check=True, capture_output=True, timeout=60, preexec_fn=lambda: os.umask(0o022),
    )
    assert mode(instance) == 0o700 and mode(database) == 0o600

    previous = os.umask(0o022)
    try:
        app = make_app(f"sqlite:///{database}")
        assert ApplicationActions(app.test_client()).submit("partner", "fr").status_code == 303
        for suffix in ("-wal", "-shm"):
            assert mode(Path(f"{database}{suffix}")) == 0o600, suffix
        app.extensions["forms_service.engine"].dispose()
    finally:
        os.umask(previous)


def test_an_instance_folder_made_readable_by_others_is_made_private_again(tmp_path: Path) -> None:
    from forms_service.config import private_directory

    folder = tmp_path / "instance"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    private_directory(folder)
    assert mode(folder) == 0o700


def test_the_app_keeps_its_own_instance_folder_private() -> None:
    app = make_app("sqlite://")
    assert mode(Path(app.instance_path)) == 0o700


@pytest.mark.parametrize(
    "unit", ["duo-forms.service", "duo-outbox.service", "duo-privacy-purge.service"]
)
def test_the_systemd_units_create_files_for_their_owner_only(unit: str) -> None:
    text = (PROJECT / "deploy" / "systemd" / unit).read_text()
    assert "\nUMask=0077\n" in text
