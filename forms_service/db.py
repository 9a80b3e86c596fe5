"""SQLAlchemy 2 engine and session, bound per app; Alembic migrations run from the CLI."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class Base(DeclarativeBase):
    pass


class Database:
    """A request-scoped session bound to the current app's engine (one engine per app)."""

    def __init__(self) -> None:
        self.session = scoped_session(self.new_session)

    def init_app(self, app: Flask) -> None:
        url = app.config["DATABASE_URL"]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        # hide_parameters: an error's message (logged) never carries the applicant's answers.
        engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        app.extensions["forms_service.engine"] = engine
        app.extensions["forms_service.sessionmaker"] = sessionmaker(
            bind=engine, expire_on_commit=False
        )
        app.teardown_appcontext(lambda exc: self.session.remove())

    @property
    def engine(self) -> Engine:
        return current_app.extensions["forms_service.engine"]

    def new_session(self) -> Session:
        """A session of the current app, outside the request scope (the outbox sender)."""
        return current_app.extensions["forms_service.sessionmaker"]()


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # type: ignore[no-untyped-def]
    """WAL lets readers and the outbox sender work beside a writer, with one fsync a commit.
    synchronous stays FULL: an application that got its redirect survives a power loss."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    # Deleting an application (erasure, retention) takes its history, duplicate links and
    # audit entries with it (ON DELETE CASCADE), as on PostgreSQL.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # '%' would be read as interpolation by configparser (passwords in URLs).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(app: Flask) -> None:
    """Bring the app's database to the latest schema."""
    engine: Engine = app.extensions["forms_service.engine"]
    with app.app_context():
        cfg = alembic_config(str(engine.url.render_as_string(hide_password=False)))
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
