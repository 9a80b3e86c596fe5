"""Operator commands: `flask --app forms_service db|outbox|privacy …`. Each command only
parses its arguments, calls a service and prints what it returns."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from forms_service.db import upgrade
from forms_service.domain.retention import retention_cutoff
from forms_service.domain.scope import ROLES
from forms_service.extensions import db
from forms_service.mail import outbox
from forms_service.services import accounts, digests, privacy, sessions
from sitedata import load_default

db_cli = AppGroup("db", help="Database schema.")
outbox_cli = AppGroup("outbox", help="Outgoing e-mail.")
privacy_cli = AppGroup("privacy", help="Retention, access and erasure of personal data.")
staff_cli = AppGroup("staff", help="Staff accounts of the branch workspace.")
sessions_cli = AppGroup("sessions", help="Information sessions.")


def init_app(app: Flask) -> None:
    for group in (db_cli, outbox_cli, privacy_cli, staff_cli, sessions_cli):
        app.cli.add_command(group)


# --- db -----------------------------------------------------------------------------------


@db_cli.command("upgrade")
def upgrade_command() -> None:
    """Apply the Alembic migrations up to the latest."""
    upgrade(current_app._get_current_object())  # type: ignore[attr-defined]
    click.echo("Database is up to date.")


# --- outbox -------------------------------------------------------------------------------


@outbox_cli.command("send")
def send_command() -> None:
    """Deliver the due messages once."""
    counts = outbox.send_pending()
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@outbox_cli.command("failed")
def failed_command() -> None:
    """List the messages that will not be delivered, for staff to follow up."""
    with db.new_session() as session:
        rows = outbox.failed_messages(session)
    if not rows:
        click.echo("No failed messages.")
        return
    for r in rows:
        click.echo(
            f"{r['id']}\t{r['kind']}\t{r['reference']}\tbranch {r['branch']}\tto {r['to']}\t"
            f"attempts {r['attempts']}\tcreated {r['created']}\t{r['last_error']}"
        )
    click.echo(f"{len(rows)} failed message(s).")


@outbox_cli.command("retry")
@click.argument("ids", nargs=-1, type=int, required=True)
def retry_command(ids: tuple[int, ...]) -> None:
    """Queue failed messages again (after fixing an address or the SMTP settings)."""
    with db.new_session() as session, session.begin():
        count = outbox.requeue(session, list(ids), datetime.now(UTC))
    click.echo(f"{count} message(s) queued again.")


@outbox_cli.command("worker")
@click.option("--interval", default=10.0, show_default=True, help="Seconds between passes.")
@click.option(
    "--nice", "niceness", default=10, show_default=True,
    help="CPU priority below the web workers': e-mail can wait a moment, visitors cannot.",
)
def worker_command(interval: float, niceness: int) -> None:
    """Keep delivering until stopped."""
    if niceness:
        os.nice(niceness)
    outbox.run_worker(interval)


# --- privacy ------------------------------------------------------------------------------


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete applications past the retention period (data/programme.yml)."""
    months = load_default().programme.privacy.retention_months
    cutoff = retention_cutoff(datetime.now(UTC), months)
    with db.new_session() as session, session.begin():
        counts = privacy.purge(session, cutoff, dry_run=dry_run)
    verb = "Would delete" if dry_run else "Deleted"
    click.echo(
        f"{verb} {counts['applications']} application(s) and {counts['messages']} message(s) "
        f"last changed before {cutoff:%Y-%m-%d} (retention: {months} months)."
    )


@privacy_cli.command("export")
@click.argument("email")
def export_command(email: str) -> None:
    """Print as JSON everything held about the person with this e-mail address."""
    with db.new_session() as session:
        data = privacy.export(session, email)
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@privacy_cli.command("erase")
@click.argument("email")
def erase_command(email: str) -> None:
    """Delete the applications and messages of the person with this e-mail address."""
    with db.new_session() as session, session.begin():
        counts = privacy.erase(session, email)
    click.echo(
        f"Deleted {counts['applications']} application(s), {counts['bookings']} booking(s) and "
        f"{counts['messages']} message(s)."
    )


# --- staff --------------------------------------------------------------------------------


@staff_cli.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--branch", "branches", multiple=True, help="A branch id (coordinators); repeat.")
@click.option("--country", type=click.Choice(["BE", "FR", "NL"]), help="For a country lead.")
@click.option("--lang", type=click.Choice(["fr", "nl", "en"]), default="fr", show_default=True)
def staff_add_command(
    email: str, role: str, branches: tuple[str, ...], country: str | None, lang: str
) -> None:
    """Add a member of staff; print the single-use link to set a password (also e-mailed)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    data = accounts.NewStaff(email=email, role=role, branches=branches, country=country,
                             lang=lang)
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        try:
            user = accounts.add_staff(db.session, data, load_default(), "cli", datetime.now(UTC))
        except accounts.AccountRefused as exc:
            db.session.rollback()
            raise click.ClickException(str(exc)) from None
        link = accounts.password_link(db.session, user)
        db.session.commit()
        hours = accounts.valid_hours()
    click.echo(f"Added {email} ({role}). Link to set the password, valid {hours} hours and "
               "usable once (also sent by e-mail):")
    click.echo(link)


@staff_cli.command("digest")
def staff_digest_command() -> None:
    """Queue today's summary for every member of staff who wants it (run it daily)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context(base_url=app.config["PUBLIC_URL"]):
        count = digests.queue_digests(db.session, load_default(), datetime.now(UTC))
        db.session.commit()
    click.echo(f"{count} summary e-mail(s) queued.")


# --- sessions -----------------------------------------------------------------------------


@sessions_cli.command("add")
@click.option("--branch", required=True, help="The branch id (data/branches.yml).")
@click.option("--start", required=True, type=click.DateTime(["%Y-%m-%dT%H:%M"]),
              help="Local time at the venue, YYYY-MM-DDTHH:MM.")
@click.option("--minutes", type=int, default=sessions.DEFAULT_MINUTES, show_default=True)
@click.option("--capacity", type=int, required=True)
@click.option("--audience", type=click.Choice(["mentor", "mentee", "all"]), required=True)
@click.option("--lang", type=click.Choice(["fr", "nl", "en"]), required=True)
@click.option("--place", help="The address, for a session face to face.")
@click.option("--online", "online_url", help="The https:// link, for an online session.")
def sessions_add_command(branch: str, start: datetime, minutes: int, capacity: int,
                         audience: str, lang: str, place: str | None,
                         online_url: str | None) -> None:
    """Add an information session; prints its id."""
    data = sessions.SessionInput(
        branch_id=branch, starts_local=start, minutes=minutes, capacity=capacity,
        audience=audience, lang=lang, place=place, online_url=online_url,
    )
    try:
        row = sessions.create(db.session, load_default(), data, "cli", datetime.now(UTC))
    except sessions.SessionRefused as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    db.session.commit()
    click.echo(row.id)


@sessions_cli.command("list")
@click.option("--all", "show_all", is_flag=True, help="Past sessions too.")
def sessions_list_command(show_all: bool) -> None:
    """The upcoming sessions: id, branch, local start, places taken, format, status."""
    site = load_default()
    rows = sessions.all_sessions(db.session, datetime.now(UTC), include_past=show_all)
    for row in rows:
        local = sessions.local_start(site, row)
        where = row.online_url or row.place or ""
        click.echo(f"{row.id}\t{row.branch_id}\t{local:%Y-%m-%d %H:%M %Z}\t"
                   f"{row.booked}/{row.capacity}\t{row.audience}\t{row.lang}\t{row.status}\t"
                   f"{where}")
    click.echo(f"{len(rows)} session(s).")
