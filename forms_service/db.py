"""SQLAlchemy 2 engine and session, bound per app; Alembic migrations run from the CLI.

A SQLite database is a file the service never creates while serving (`db upgrade` does, for
its owner alone): it is opened with mode=rw, and each connection checks, when taken from the
pool and before each commit, that the file it writes is still the one at the path. A file
deleted or replaced while serving gives a 503 with the form kept, never a thank-you for an
application written to a deleted file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path
from urllib.parse import quote

from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

log = logging.getLogger(__name__)

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
        path = sqlite_file(url)
        # hide_parameters: an error's message (logged) never carries the applicant's answers.
        engine = create_engine(
            existing_file_url(url, path) if path else url, pool_pre_ping=True,
            hide_parameters=True,
        )
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        if path:
            _watch_file(engine, path)
        app.extensions["forms_service.sqlite_path"] = path
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


def sqlite_file(url: str | URL) -> Path | None:
    """The file of a SQLite URL (sqlite:///path), or None (PostgreSQL, in memory, file: URI)."""
    url = make_url(url)
    database = url.database or ""
    if url.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        return None
    return Path(database).absolute()


def existing_file_url(url: str | URL, path: Path) -> URL:
    """The URL opening `path` with mode=rw: SQLite never creates a missing file (a deleted
    database would otherwise come back empty, and the next application go into it)."""
    url = make_url(url)
    return url.set(
        database="file:" + quote(str(path), safe="/"),
        query={**url.query, "mode": "rw", "uri": "true"},
    )


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_dev, info.st_ino


class DatabaseFileGone(sqlite3.OperationalError):
    """The database file a connection writes to is no longer the one at its path."""


def _watch_file(engine: Engine, path: Path) -> None:
    """Each connection remembers its file's identity (device, inode); one whose file was
    deleted or replaced is dropped when taken from the pool (the next opens the file at the
    path, or fails while there is none), and refuses to commit."""

    @event.listens_for(engine, "connect")
    def remember(dbapi_connection, record) -> None:  # type: ignore[no-untyped-def]
        record.info["file_id"] = _file_id(path)

    @event.listens_for(engine, "checkout")
    def same_file(dbapi_connection, record, proxy) -> None:  # type: ignore[no-untyped-def]
        if _file_id(path) != record.info.get("file_id"):
            log.error("database file %s was deleted or replaced; reconnecting", path)
            raise DisconnectionError("the database file was deleted or replaced")

    @event.listens_for(engine, "commit")
    def still_same_file(connection: Connection) -> None:
        if _file_id(path) != connection.info.get("file_id"):
            log.error("database file %s was deleted or replaced; nothing committed", path)
            raise OperationalError(
                "COMMIT", None, DatabaseFileGone("the database file was deleted or replaced")
            )


def _sqlite_pragmas(dbapi_connection, connection_record) -> None:  # type: ignore[no-untyped-def]
    """WAL lets readers and the outbox sender work beside a writer, with one fsync a commit.
    synchronous stays FULL: an application that got its redirect survives a power loss.
    secure_delete: an erased application's bytes are overwritten, not left in free pages."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA secure_delete=ON")
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


def checkpoint(engine: Engine) -> bool:
    """SQLite: move what the write-ahead log holds into the database file and empty the log,
    so deleted data (an erasure) leaves no copy there. False when a reader kept it from
    finishing (it is retried on the next erasure, and SQLite checkpoints on its own)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        busy, _, _ = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
    if busy:
        log.warning("the SQLite log could not be emptied now (a reader was busy)")
    return not busy


def private_file(path: Path) -> None:
    """Create the SQLite file for its owner alone (0600), in a 0700 folder if none exists;
    make an existing file and its -wal and -shm files 0600 (SQLite gives those the main
    file's mode)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if stat.S_IMODE(os.stat(name).st_mode) & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            continue


def upgrade(app: Flask) -> None:
    """Bring the app's database to the latest schema (creating a SQLite file first)."""
    path = app.extensions.get("forms_service.sqlite_path")
    if path is not None:
        private_file(path)
    engine: Engine = app.extensions["forms_service.engine"]
    with app.app_context():
        cfg = alembic_config(str(engine.url.render_as_string(hide_password=False)))
        with engine.begin() as connection:
            cfg.attributes["connection"] = connection
            command.upgrade(cfg, "head")
