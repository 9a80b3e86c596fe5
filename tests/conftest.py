"""Fixtures shared by the integration tests: the app on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_support import ApplicationActions, make_app
from flask import Flask
from flask.testing import FlaskClient
from localservers import PostgresCluster, SmtpServer, pg_bin_dir
from sqlalchemy import create_engine, text


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the session; missing binaries fail the run, never skip."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        where = "in CI" if os.environ.get("CI") == "true" else "on this machine"
        pytest.fail(
            f"PostgreSQL is not installed {where} (/usr/lib/postgresql/*/bin/initdb is missing). "
            "Run ./deploy/install-system-packages.sh as root (make test does it)."
        )
    cluster = PostgresCluster(bin_dir)
    url = cluster.start()
    from forms_service import create_app
    from forms_service.db import upgrade

    upgrade(create_app({"DATABASE_URL": url, "SITE_DIR": "/nonexistent"}))
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'forms.sqlite3'}"
        return
    url = request.getfixturevalue("postgres_url")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(
            "TRUNCATE outbox_message, application, application_event, duplicate_link, "
            "audit_entry, roles_users, staff_branch, staff_webauthn, staff_user, staff_role, "
            "booking, info_session "
            "RESTART IDENTITY CASCADE"
        ))
    engine.dispose()
    yield url


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    app = make_app(database_url)
    yield app
    app.extensions["forms_service.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def actions(client: FlaskClient) -> ApplicationActions:
    return ApplicationActions(client)


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on loopback for a module's tests; what it received stays
    in `smtp.inbox` until a test clears it."""
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
