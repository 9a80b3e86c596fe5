"""Outbox drain rate: seed N copies of a real message, then time the sender to SMTP.

Run with the service's FLASK_* environment (FLASK_MAIL_SERVER/PORT pointing at aiosmtpd):
    python benchmarks/outbox_drain.py N
Prints JSON. It times `send_pending`, the function `flask outbox send` runs, in batches of
its own limit until nothing is due, so the CLI's start-up (imports, app) is not counted;
that cost is reported apart.
"""

from __future__ import annotations

import json
import sys
import time

from sqlalchemy import func, select, update

T0 = time.perf_counter()

from forms_service import create_app  # noqa: E402
from forms_service.extensions import db  # noqa: E402
from forms_service.mail.outbox import send_pending  # noqa: E402
from forms_service.models import OutboxMessage  # noqa: E402


def seed(n: int) -> None:
    """Earlier runs left messages; they stop counting, and n copies of one become due."""
    with db.new_session() as session, session.begin():
        model = session.scalar(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(1))
        session.execute(
            update(OutboxMessage).where(OutboxMessage.status == "pending").values(status="sent")
        )
        fields = dict(
            kind="confirmation", recipient="bench@example.org", reply_to=None,
            subject="Benchmark", body_text="x" * 1500, body_html="<p>x</p>" * 200,
        )
        if model is not None:
            fields = {k: getattr(model, k) for k in fields}
        session.add_all(OutboxMessage(**fields) for _ in range(n))


def main() -> int:
    n = int(sys.argv[1])
    app = create_app()
    startup = time.perf_counter() - T0
    with app.app_context():
        seed(n)
        sent = failed = 0
        start = time.perf_counter()
        while True:
            counts = send_pending()
            sent += counts["sent"]
            failed += counts["retry"] + counts["failed"]
            if counts["sent"] + counts["retry"] + counts["failed"] == 0:
                break
        elapsed = time.perf_counter() - start
        with db.new_session() as session:
            left = session.scalar(
                select(func.count()).select_from(OutboxMessage).where(
                    OutboxMessage.status == "pending"
                )
            )
    json.dump(
        {"seeded": n, "sent": sent, "failed": failed, "left": left, "seconds": elapsed,
         "msgs_per_s": sent / elapsed if elapsed else 0.0, "startup_s": startup},
        sys.stdout,
    )
    return 0 if sent == n else 1


if __name__ == "__main__":
    sys.exit(main())
