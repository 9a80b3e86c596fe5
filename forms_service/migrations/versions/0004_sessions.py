"""Information sessions and their bookings; outbox messages that are scheduled (reminders),
carry a calendar invitation, or concern a booking.

Revision ID: 0004_sessions
Revises: 0003_workspace
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_sessions"
down_revision = "0003_workspace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "info_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("branch_id", sa.String(length=32), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.Text(), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("audience", sa.String(length=8), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_info_session_starts_at", "info_session", ["starts_at"])
    op.create_index("ix_info_session_branch_starts", "info_session", ["branch_id", "starts_at"])
    op.create_table(
        "booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=True),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=True),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attendance", sa.String(length=8), nullable=True),
        sa.Column("link_version", sa.Integer(), nullable=False),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("privacy_version", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["session_id"], ["info_session.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["application_id"], ["application.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("uid"),
    )
    op.create_index("ix_booking_session_id", "booking", ["session_id"])
    op.create_index("ix_booking_application_id", "booking", ["application_id"])
    op.create_index("ix_booking_email_key", "booking", ["email_key"])
    op.create_index("ix_booking_person", "booking", ["session_id", "email_key"], unique=True)
    with op.batch_alter_table("outbox_message") as batch:
        batch.add_column(sa.Column("booking_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("send_after", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("ics", sa.Text(), nullable=True))
        batch.add_column(sa.Column("ics_method", sa.String(length=16), nullable=True))
        batch.create_foreign_key(
            "fk_outbox_message_booking", "booking", ["booking_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_outbox_message_booking_id", ["booking_id"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_index("ix_outbox_message_booking_id")
        batch.drop_constraint("fk_outbox_message_booking", type_="foreignkey")
        for column in ("ics_method", "ics", "send_after", "booking_id"):
            batch.drop_column(column)
    op.drop_table("booking")
    op.drop_table("info_session")
