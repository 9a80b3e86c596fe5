"""SQLAlchemy 2 engine and session, bound per app; Alembic migrations run from the CLI."""

from __future__ import annotations

from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


class Database:
    """One engine per app and a request-scoped session, removed at teardown."""

    def __init__(self) -> None:
        self.engine: Engine | None = None
        self._factory = sessionmaker(expire_on_commit=False)
        self.session = scoped_session(self._factory)

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        self.engine = create_engine(url, pool_pre_ping=True)
        self._factory.configure(bind=self.engine)
        app.extensions["forms_service.engine"] = self.engine
        app.teardown_appcontext(lambda exc: self.session.remove())
        app.cli.add_command(db_cli)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name if self.engine else ""

    def new_session(self) -> Session:
        """A session outside the request scope (the outbox sender)."""
        return self._factory()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' would be read as interpolation by configparser (passwords in URLs).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(app: Flask) -> None:
    """Bring the database to the latest schema."""
    from forms_service.extensions import db

    with app.app_context():
        cfg = alembic_config(str(db.engine.url.render_as_string(hide_password=False)))
        with db.engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")


@click.group("db", cls=AppGroup)
def db_cli() -> None:
    """Database schema."""


@db_cli.command("upgrade")
def upgrade_command() -> None:
    """Apply the Alembic migrations up to the latest."""
    upgrade(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo("Database is up to date.")
