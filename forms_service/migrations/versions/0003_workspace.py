"""The branch workspace: staff accounts (Flask-Security-Too), history, duplicate links,
audit log, and the application columns the queue and duplicate checks read.

Revision ID: 0003_workspace
Revises: 0001
Create Date: 2026-11-22 03:15:22.442515
"""

import logging

import sqlalchemy as sa
from alembic import op

log = logging.getLogger(__name__)

revision = "0003_workspace"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("description", sa.String(length=255), nullable=True),
        sa.Column("permissions", sa.UnicodeText(), nullable=True),
        sa.Column(
            "update_datetime",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "staff_user",
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=255), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("password", sa.String(length=255), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("fs_uniquifier", sa.String(length=64), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_at", sa.DateTime(), nullable=True),
        sa.Column("current_login_at", sa.DateTime(), nullable=True),
        sa.Column("last_login_ip", sa.String(length=64), nullable=True),
        sa.Column("current_login_ip", sa.String(length=64), nullable=True),
        sa.Column("login_count", sa.Integer(), nullable=True),
        sa.Column("tf_primary_method", sa.String(length=64), nullable=True),
        sa.Column("tf_totp_secret", sa.String(length=255), nullable=True),
        sa.Column("tf_phone_number", sa.String(length=128), nullable=True),
        sa.Column("us_totp_secrets", sa.Text(), nullable=True),
        sa.Column("us_phone_number", sa.String(length=128), nullable=True),
        sa.Column("fs_webauthn_user_handle", sa.String(length=64), nullable=True),
        sa.Column("tf_totp_last_counter", sa.BigInteger(), nullable=True),
        sa.Column("mf_recovery_codes", sa.UnicodeText(), nullable=True),
        sa.Column(
            "create_datetime",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column(
            "update_datetime",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
        sa.UniqueConstraint("fs_uniquifier"),
        sa.UniqueConstraint("fs_webauthn_user_handle"),
        sa.UniqueConstraint("us_phone_number"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "application_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("from_value", sa.String(length=64), nullable=True),
        sa.Column("to_value", sa.String(length=64), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_application_event_application_id"),
        "application_event",
        ["application_id"],
        unique=False,
    )
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_audit_entry_application_id"), "audit_entry", ["application_id"], unique=False
    )
    op.create_index(op.f("ix_audit_entry_at"), "audit_entry", ["at"], unique=False)
    op.create_table(
        "duplicate_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("other_id", sa.Integer(), nullable=False),
        sa.Column("keys", sa.String(length=32), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["other_id"], ["application.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_duplicate_link_application_id"), "duplicate_link", ["application_id"], unique=False
    )
    op.create_index(
        op.f("ix_duplicate_link_other_id"), "duplicate_link", ["other_id"], unique=False
    )
    op.create_index(
        "ix_duplicate_pair", "duplicate_link", ["application_id", "other_id"], unique=True
    )
    op.create_table(
        "roles_users",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["role_id"],
            ["staff_role.id"],
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["staff_user.id"],
        ),
        sa.PrimaryKeyConstraint("user_id", "role_id"),
    )
    op.create_table(
        "staff_branch",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "branch_id"),
    )
    op.create_index(op.f("ix_staff_branch_branch_id"), "staff_branch", ["branch_id"], unique=False)
    op.create_table(
        "staff_webauthn",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("credential_id", sa.LargeBinary(length=1024), nullable=False),
        sa.Column("public_key", sa.LargeBinary(), nullable=False),
        sa.Column("sign_count", sa.Integer(), nullable=True),
        sa.Column("transports", sa.UnicodeText(), nullable=True),
        sa.Column("backup_state", sa.Boolean(), nullable=False),
        sa.Column("device_type", sa.String(length=64), nullable=False),
        sa.Column("extensions", sa.String(length=255), nullable=True),
        sa.Column(
            "create_datetime",
            sa.DateTime(),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("lastuse_datetime", sa.DateTime(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("usage", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        op.f("ix_staff_webauthn_credential_id"), "staff_webauthn", ["credential_id"], unique=True
    )
    op.add_column("application", sa.Column("email_key", sa.String(length=320), nullable=True))
    op.add_column("application", sa.Column("phone_key", sa.String(length=32), nullable=True))
    op.add_column("application", sa.Column("name_key", sa.String(length=255), nullable=True))
    op.add_column("application", sa.Column("search_name", sa.String(length=255), nullable=True))
    op.add_column(
        "application", sa.Column("first_contact_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("application", sa.Column("closed_from", sa.String(length=32), nullable=True))
    # Step names such as "information_session" are longer than 16 characters (SQLite does
    # not enforce a VARCHAR length).
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column(
            "application",
            "status",
            existing_type=sa.VARCHAR(length=16),
            type_=sa.String(length=32),
            existing_nullable=False,
        )
    op.create_index(op.f("ix_application_email_key"), "application", ["email_key"], unique=False)
    op.create_index(op.f("ix_application_name_key"), "application", ["name_key"], unique=False)
    op.create_index(op.f("ix_application_phone_key"), "application", ["phone_key"], unique=False)
    # The queue: a branch's applications, newest first, optionally by status.
    op.create_index("ix_application_branch_created", "application", ["branch_id", "created_at"])
    op.create_index(
        "ix_application_branch_status_created", "application", ["branch_id", "status", "created_at"]
    )
    op.create_index("ix_application_created", "application", ["created_at"])
    # A search by name: the folded names of the scope's branches, read from the index alone.
    op.create_index(
        "ix_application_branch_queue", "application",
        ["branch_id", "created_at", "id", "status", "search_name"],
    )
    _search_name_trigrams()


def _search_name_trigrams() -> None:
    """PostgreSQL: a trigram index answers a search inside names ('%mend%') from the few
    matching rows. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension (13+):
    a database owner may create it. Where it cannot be created, the search still works,
    reading the names from ix_application_branch_queue, and a warning says so."""
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except sa.exc.DBAPIError as exc:
        log.warning("pg_trgm not available (%s): the staff search by name reads every name "
                    "of the branches; an administrator can run CREATE EXTENSION pg_trgm and "
                    "create ix_application_search_name_trgm", exc.orig)
        return
    op.create_index(
        "ix_application_search_name_trgm", "application", ["search_name"],
        postgresql_using="gin", postgresql_ops={"search_name": "gin_trgm_ops"},
    )


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_application_search_name_trgm")
    op.drop_index("ix_application_branch_queue", table_name="application")
    op.drop_index("ix_application_created", table_name="application")
    op.drop_index("ix_application_branch_status_created", table_name="application")
    op.drop_index("ix_application_branch_created", table_name="application")
    op.drop_index(op.f("ix_application_phone_key"), table_name="application")
    op.drop_index(op.f("ix_application_name_key"), table_name="application")
    op.drop_index(op.f("ix_application_email_key"), table_name="application")
    op.drop_column("application", "closed_from")
    op.drop_column("application", "first_contact_at")
    op.drop_column("application", "search_name")
    op.drop_column("application", "name_key")
    op.drop_column("application", "phone_key")
    op.drop_column("application", "email_key")
    op.drop_index(op.f("ix_staff_webauthn_credential_id"), table_name="staff_webauthn")
    op.drop_table("staff_webauthn")
    op.drop_index(op.f("ix_staff_branch_branch_id"), table_name="staff_branch")
    op.drop_table("staff_branch")
    op.drop_table("roles_users")
    op.drop_index("ix_duplicate_pair", table_name="duplicate_link")
    op.drop_index(op.f("ix_duplicate_link_other_id"), table_name="duplicate_link")
    op.drop_index(op.f("ix_duplicate_link_application_id"), table_name="duplicate_link")
    op.drop_table("duplicate_link")
    op.drop_index(op.f("ix_audit_entry_at"), table_name="audit_entry")
    op.drop_index(op.f("ix_audit_entry_application_id"), table_name="audit_entry")
    op.drop_table("audit_entry")
    op.drop_index(op.f("ix_application_event_application_id"), table_name="application_event")
    op.drop_table("application_event")
    op.drop_table("staff_user")
    op.drop_table("staff_role")
