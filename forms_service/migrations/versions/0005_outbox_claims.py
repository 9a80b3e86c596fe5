"""Outbox claims that two senders cannot share, and the index that finds an application's
messages (erasure, retention, confirmations counted per address).

Revision ID: 0005_outbox_claims
Revises: 0004_sessions
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_outbox_claims"
down_revision = "0004_sessions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox_message", sa.Column("claimed_by", sa.String(32), nullable=True))
    op.create_index(
        "ix_outbox_message_application_id", "outbox_message", ["application_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_message_application_id", table_name="outbox_message")
    with op.batch_alter_table("outbox_message") as batch:
        batch.drop_column("claimed_by")
