"""No personal data in logs: every logger at DEBUG through full submissions of every kind in
every language, the outbox sent to a real SMTP server, and the error paths (invalid form,
CSRF, 405, 413, 429, and an unexpected database error answered with a 500)."""

from __future__ import annotations

import logging
import re
import runpy
from pathlib import Path

import pytest
from apply_support import VALID, ApplicationActions, make_app, stored
from localservers import SmtpServer

from sitedata.kinds import KINDS

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]
LANGS = ("fr", "nl", "en")
# The test's own SMTP server (aiosmtpd) logs what it receives; it is not the service.
NOT_THE_SERVICE = ("mail.log", "asyncio")


def personal_data() -> set[str]:
    """Every name, address and phone number of the submissions, raw and normalised."""
    from forms_service.domain.text import normalise_phone

    found: set[str] = set()
    for answers in VALID.values():
        for field in ("first_name", "last_name", "contact_name", "email"):
            if field in answers:
                found.add(answers[field])
        found.add(answers["email"].split("@")[0])
        phone = answers["phone"]
        found |= {phone, re.sub(r"\D", "", phone), normalise_phone(phone, answers["country"])}
    return {s for s in found if s}


def service_log(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(
        record.getMessage() + (caplog.handler.format(record) if record.exc_info else "")
        for record in caplog.records
        if not record.name.startswith(NOT_THE_SERVICE)
    )


def test_logs_of_full_submissions_sending_and_errors_hold_no_personal_data(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    smtp = SmtpServer()
    smtp.start()
    try:
        app = make_app(
            f"sqlite:///{tmp_path / 'forms.sqlite3'}", MAIL_SERVER="127.0.0.1",
            MAIL_PORT=smtp.port, PROPAGATE_EXCEPTIONS=False, RATELIMIT_ENABLED=True,
            APPLY_RATE_LIMIT="40 per minute", MAX_CONTENT_LENGTH=8192,
        )
        actions = ApplicationActions(app.test_client())
        for kind in KINDS:
            for lang in LANGS:
                response = actions.submit(kind, lang)
                assert response.status_code == 303
                assert actions.client.get(response.headers["Location"]).status_code == 200
        assert len(stored(app)[0]) == 12

        from forms_service.mail.outbox import send_pending

        with app.app_context():
            assert send_pending()["sent"] == 24
        assert len(smtp.inbox.messages) == 24

        # The error paths, each carrying the personal data.
        client = actions.client
        assert actions.submit("mentor", "fr", birth_year="abc").status_code == 400
        assert client.post("/nl/apply/partner/", data=VALID["partner"]).status_code == 400
        assert client.put("/en/apply/mentee/", data=VALID["mentee"]).status_code == 405
        big = actions.submit("volunteer", "fr", message="x" * 10_000)
        assert big.status_code == 413
        # An unexpected failure while storing: Flask logs the exception with its message.
        from forms_service.services import applications

        def broken(application, branch, site):  # type: ignore[no-untyped-def]
            from forms_service.models import OutboxMessage

            return [OutboxMessage(application_id=application.id, kind="confirmation",
                                  recipient=application.email, subject=None,
                                  body_text="", body_html="")]

        monkeypatch.setattr(applications, "application_messages", broken)
        assert actions.submit("partner", "en").status_code == 500
        monkeypatch.undo()
        codes = [actions.submit("mentee", "nl", birth_year="abc").status_code
                 for _ in range(25)]
        assert codes[-1] == 429
    finally:
        smtp.stop()

    log = service_log(caplog)
    # The log did record all this: stored applications, sent messages, the failure.
    assert log.count("stored (kind") == 12 and log.count(") sent") == 24
    assert "IntegrityError" in log and "hidden due to hide_parameters" in log
    leaks = {secret for secret in personal_data() if secret.lower() in log.lower()}
    assert leaks == set()


def test_the_gunicorn_access_log_has_no_query_string_nor_headers() -> None:
    """Only the path (no query, no Referer or User-Agent) goes into the access log."""
    config = runpy.run_path(str(PROJECT / "deploy" / "gunicorn.conf.py"))
    fmt = config["access_log_format"]
    atoms = set(re.findall(r"%\((\w+|\{[^}]+\}\w)\)s", fmt))
    assert "U" in atoms
    assert atoms.isdisjoint({"r", "q", "f", "a"}) and not any(a.startswith("{") for a in atoms)
