"""The hostile corpus (tests/data/hostile/) in every field of every form in every language,
plus bad CSRF tokens, wrong methods, unknown addresses and oversized bodies.

For each: never a 500; nothing reflected unescaped in a page or an HTML e-mail; no header
injected into a mail (the outbox sender talks to a real SMTP server, and the received
messages are parsed); nothing stored when invalid; a message in the page's language, with
the input kept. A value over MAX_CONTENT_LENGTH (the 1 MB one) is refused as a whole with
the 413 page: it is not echoed back, since holding and resending a megabyte helps nobody,
and the page says to shorten the answer.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apply_support import HIDDEN, VALID, ApplicationActions, make_app, stored
from localservers import SmtpServer
from markupsafe import escape

from forms_service.kinds import KINDS as REGISTRY
from sitedata.kinds import KINDS

pytestmark = pytest.mark.integration

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile"
LANGS = ("fr", "nl", "en")
CHOICE_FIELDS = {
    "country", "languages", "availability", "heard_from", "branch", "consent", "role",
    "partnership_type",
}
PROBLEM = {"fr": "Il y a un problème", "nl": "Er is een probleem", "en": "There is a problem"}
TOO_LARGE = {
    "fr": "Vos réponses sont trop longues", "nl": "Je antwoorden zijn te lang",
    "en": "Your answers are too long",
}
NOT_ALLOWED = {
    "fr": "Cette page ne peut pas être utilisée de cette façon",
    "nl": "Deze pagina kan niet op deze manier worden gebruikt",
    "en": "This page cannot be used this way",
}
CSRF_NOTICE = {
    "fr": "Vos réponses sont toujours là",
    "nl": "Je antwoorden staan er nog",
    "en": "Your answers are still here",
}
# What a message the service sends may carry; anything else would be an injected header.
MAIL_HEADERS = {
    "from", "to", "reply-to", "subject", "date", "message-id", "mime-version",
    "content-type", "content-transfer-encoding", "x-peer", "x-mailfrom", "x-rcptto",
}

FIELD_ORDER = {kind: REGISTRY[kind].fields for kind in KINDS}


def load_values() -> list[dict[str, Any]]:
    entries = json.loads((CORPUS / "values.json").read_text())
    for entry in entries:
        if "repeat" in entry:
            entry["value"] = entry["repeat"] * entry["times"]
    return entries


VALUES = load_values()
WRONG_TYPES = json.loads((CORPUS / "wrong_types.json").read_text())
RAW_BODIES = json.loads((CORPUS / "raw_bodies.json").read_text())
TOO_BIG = 64 * 1024  # the service's MAX_CONTENT_LENGTH


def text_fields(kind: str) -> list[str]:
    return [f for f in FIELD_ORDER[kind] if f not in CHOICE_FIELDS]


def dangerous(value: str) -> bool:
    return any(ch in value for ch in "<>\"'")


def assert_not_reflected(text: str, value: str) -> None:
    if dangerous(value):
        assert value not in text, "raw value reflected"


def assert_mail_is_clean(smtp: SmtpServer, start: int, payloads: list[str]) -> None:
    """Every message received since `start`: one recipient, headers of our own, HTML escaped."""
    for (_, rcpt), message in zip(
        smtp.inbox.envelopes[start:], smtp.inbox.messages[start:], strict=True
    ):
        assert len(rcpt) == 1, rcpt
        names = {name.lower() for name in message.keys()}
        assert names <= MAIL_HEADERS, names - MAIL_HEADERS
        assert len(message.get_all("To")) == 1 and len(message["To"].addresses) == 1
        if message["Reply-To"] is not None:
            assert len(message.get_all("Reply-To")) == 1
            assert len(message["Reply-To"].addresses) == 1
        assert message["Bcc"] is None and message["Cc"] is None
        html = message.get_body(("html",)).get_content()
        for payload in payloads:
            assert_not_reflected(html, payload)


class Service:
    """The app on a database, with its SMTP server when given, and a client holding a token."""

    def __init__(self, database_url: str, smtp: SmtpServer | None = None) -> None:
        mail = {}
        if smtp is not None:
            mail = dict(MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_TIMEOUT=5.0)
        self.app = make_app(database_url, **mail)
        self.smtp = smtp
        self.client = self.app.test_client()
        self.csrf: dict[tuple[str, str], str] = {}
        self.sent = 0

    def token(self, kind: str, lang: str) -> str:
        if (kind, lang) not in self.csrf:
            page = self.client.get(f"/{lang}/apply/{kind}/")
            self.csrf[kind, lang] = dict(HIDDEN.findall(page.text))["csrf_token"]
        return self.csrf[kind, lang]

    def post(self, kind: str, lang: str, **fields: Any):  # type: ignore[no-untyped-def]
        # Each post is another person (an address of their own): the same answers sent
        # again from one browser would be one application sent twice.
        self.sent += 1
        data = {
            **VALID[kind], "email": f"person{self.sent}@example.org",
            "csrf_token": self.token(kind, lang),
            "submission_token": secrets.token_urlsafe(12), **fields,
        }
        data = {k: v for k, v in data.items() if v is not None}
        return self.client.post(f"/{lang}/apply/{kind}/", data=data)

    def count(self) -> int:
        return len(stored(self.app)[0])

    def send_outbox(self) -> None:
        from forms_service.mail.outbox import send_pending

        with self.app.app_context():
            counts = send_pending()
        assert counts["retry"] == counts["failed"] == 0, counts

    def dispose(self) -> None:
        self.app.extensions["forms_service.engine"].dispose()


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory, smtp: SmtpServer) -> Iterator[Service]:
    url = f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'forms.sqlite3'}"
    service = Service(url, smtp)
    yield service
    service.dispose()


def check_value_in_each_field(service: Service, kind: str, lang: str, value: str) -> None:
    """The value in one field at a time, every other answer valid."""
    for field in [*FIELD_ORDER[kind], "website", "submission_token"]:
        before = service.count()
        response = service.post(kind, lang, **{field: value})
        where = f"{kind}/{lang}/{field}"
        assert response.status_code in {303, 400, 413}, where
        assert_not_reflected(response.text, value)
        if response.status_code == 303 and field == "website" and value.strip():
            # The honeypot: a bot is thanked exactly as a person is, and nothing is kept.
            assert service.count() == before, where
            thanks = service.client.get(response.headers["Location"])
            assert thanks.status_code == 200 and 'class="reference">DUO-' in thanks.text
            continue
        if response.status_code == 303:
            # Accepted as an answer: stored once, as typed (no SQL ever sees it as code).
            apps = stored(service.app)[0]
            assert len(apps) == before + 1, where
            if field in text_fields(kind) and field not in {"email", "phone"}:
                assert apps[-1].answers[field] == value.strip(), where
            thanks = service.client.get(response.headers["Location"])
            assert thanks.status_code == 200
            assert_not_reflected(thanks.text, value)
            continue
        assert service.count() == before, where
        if response.status_code == 413:
            assert len(value) > TOO_BIG and TOO_LARGE[lang] in response.text, where
        else:
            assert PROBLEM[lang] in response.text, where
            assert f'id="{field}-error"' in response.text, where
            if field in text_fields(kind):
                assert str(escape(value)) in response.text, f"{where}: input not kept"


@pytest.mark.parametrize("entry", VALUES, ids=[v["id"] for v in VALUES])
@pytest.mark.parametrize("kind", KINDS)
def test_a_hostile_value_in_any_field_is_refused_or_stored_safely(
    service: Service, kind: str, entry: dict[str, Any]
) -> None:
    # One language per (kind, value), rotating, so every language meets every value and kind.
    lang = LANGS[(KINDS.index(kind) + VALUES.index(entry)) % 3]
    start = len(service.smtp.inbox.messages)
    check_value_in_each_field(service, kind, lang, entry["value"])
    service.send_outbox()
    assert_mail_is_clean(service.smtp, start, [entry["value"]])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_hostile_value_in_all_fields_at_once_in_every_language(
    service: Service, kind: str, lang: str
) -> None:
    for entry in VALUES:
        value = entry["value"]
        before = service.count()
        fields = {name: value for name in FIELD_ORDER[kind]}
        response = service.post(kind, lang, **fields)
        assert response.status_code in {400, 413}, entry["id"]
        assert service.count() == before, entry["id"]
        assert_not_reflected(response.text, value)
        if response.status_code == 413:
            assert TOO_LARGE[lang] in response.text
            continue
        assert PROBLEM[lang] in response.text, entry["id"]
        assert f'<html lang="{lang}">' in response.text
        for name in text_fields(kind):
            assert str(escape(value)) in response.text, (entry["id"], name)


@pytest.mark.parametrize("case", WRONG_TYPES, ids=[c["id"] for c in WRONG_TYPES])
def test_wrong_types_repeated_and_unknown_choices_are_handled(
    service: Service, case: dict[str, Any]
) -> None:
    for index, kind in enumerate(KINDS):
        lang = LANGS[index % 3]
        fields = {k: v for k, v in case["fields"].items() if k in FIELD_ORDER[kind]
                  or k == "submission_token"}
        if not fields:
            continue
        before = service.count()
        response = service.post(kind, lang, **fields)
        assert response.status_code in {303, 400}, (kind, case["id"])
        for value in fields.values():
            for v in value if isinstance(value, list) else [value]:
                assert_not_reflected(response.text, v)
        if response.status_code == 303:
            assert service.count() == before + 1
        else:
            assert service.count() == before
            assert PROBLEM[lang] in response.text


def test_consent_must_be_ticked_and_a_word_in_the_year_is_refused(service: Service) -> None:
    before = service.count()
    response = service.post("mentor", "nl", consent=None, birth_year="abc")
    assert response.status_code == 400
    assert 'id="consent-error"' in response.text and 'id="birth_year-error"' in response.text
    assert "Vul je geboortejaar in met vier cijfers" in response.text
    assert service.count() == before


@pytest.mark.parametrize("kind", KINDS)
def test_each_missing_required_field_gives_its_message_and_stores_nothing(
    service: Service, kind: str
) -> None:
    lang = LANGS[KINDS.index(kind) % 3]
    optional = {"last_name", "heard_from", "branch", "postcode" if kind == "partner" else "",
                "message" if kind == "volunteer" else ""}
    for field in FIELD_ORDER[kind]:
        if field in optional:
            continue
        before = service.count()
        response = service.post(kind, lang, **{field: None})
        assert response.status_code == 400, field
        assert f'id="{field}-error"' in response.text, field
        assert PROBLEM[lang] in response.text
        assert service.count() == before
    # Nothing at all but a token.
    empty = service.client.post(
        f"/{lang}/apply/{kind}/", data={"csrf_token": service.token(kind, lang)}
    )
    assert empty.status_code == 400 and PROBLEM[lang] in empty.text


@pytest.mark.parametrize("body", RAW_BODIES, ids=[b["id"] for b in RAW_BODIES])
@pytest.mark.parametrize("lang", LANGS)
def test_invalid_utf8_and_nul_bytes_in_the_raw_body_give_a_message(
    service: Service, lang: str, body: dict[str, str]
) -> None:
    raw = body["body_latin1"].encode("latin-1")
    token = service.token("volunteer", lang).encode()
    before = service.count()
    response = service.client.post(
        f"/{lang}/apply/volunteer/", data=raw + b"&csrf_token=" + token,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    if body["id"] == "invalid-utf8-raw-bytes":
        # Werkzeug drops a urlencoded body that is not ASCII (browsers percent-encode), token
        # included: the CSRF page comes back, empty, with a fresh token.
        assert CSRF_NOTICE[lang] in response.text
    else:
        assert PROBLEM[lang] in response.text
    assert service.count() == before


def test_a_nul_byte_in_a_message_is_refused_on_postgresql(postgres_url: str) -> None:
    """PostgreSQL text cannot hold NUL: the form says so instead of failing on the insert."""
    from sqlalchemy import create_engine, text

    engine = create_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("TRUNCATE outbox_message, application RESTART IDENTITY CASCADE"))
    engine.dispose()
    service = Service(postgres_url)
    try:
        for entry in VALUES:
            if entry["id"] in {"nul-byte", "sql-drop-table", "script-tag", "long-line"}:
                for kind in ("partner", "volunteer"):
                    check_value_in_each_field(service, kind, "nl", entry["value"])
        response = service.post("partner", "fr", message="x\x00y")
        assert response.status_code == 400
        assert "Retirez les caractères de contrôle invisibles" in response.text
    finally:
        service.dispose()


# -- Requests that are wrong as a whole ------------------------------------------------------


def test_a_missing_csrf_token_keeps_the_answers_and_stores_nothing(service: Service) -> None:
    before = service.count()
    data = {**VALID["partner"], "organisation": "<script>alert(1)</script>"}
    response = service.client.post("/nl/apply/partner/", data=data)
    assert response.status_code == 400
    assert CSRF_NOTICE["nl"] in response.text
    assert str(escape("<script>alert(1)</script>")) in response.text
    assert "<script>alert(1)</script>" not in response.text
    assert service.count() == before


def test_an_expired_csrf_token_keeps_the_answers_and_stores_nothing(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    actions = ApplicationActions(service.app.test_client())
    hidden = actions.open("mentee", "en")
    later = time.time() + service.app.config["WTF_CSRF_TIME_LIMIT"] + 60
    monkeypatch.setattr(time, "time", lambda: later)
    before = service.count()
    response = actions.submit("mentee", "en", hidden=hidden, first_name="Amina")
    assert response.status_code == 400
    assert CSRF_NOTICE["en"] in response.text and 'value="Amina"' in response.text
    assert service.count() == before
    # The page carries a fresh token: sending again now works.
    fresh = dict(HIDDEN.findall(response.text))
    assert fresh["csrf_token"] != hidden["csrf_token"]
    assert actions.submit("mentee", "en", hidden=fresh).status_code == 303


def test_a_token_from_another_session_is_refused(service: Service) -> None:
    foreign = ApplicationActions(service.app.test_client()).open("volunteer", "fr")
    victim = ApplicationActions(service.app.test_client())
    victim.open("volunteer", "fr")  # the victim's own session holds its own token
    before = service.count()
    response = victim.submit("volunteer", "fr", hidden=foreign)
    assert response.status_code == 400
    assert CSRF_NOTICE["fr"] in response.text
    assert service.count() == before


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_a_wrong_method_gets_a_405_page_in_the_language(
    service: Service, method: str, lang: str
) -> None:
    response = service.client.open(
        f"/{lang}/apply/mentor/", method=method, data={"first_name": "<script>"}
    )
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    assert f'<html lang="{lang}">' in response.text and NOT_ALLOWED[lang] in response.text
    assert "<script>" not in response.text


@pytest.mark.parametrize(
    "path",
    ["/de/apply/mentor/", "/fr/apply/astronaut/", "/nl/apply/%3Cscript%3E/",
     "/en/apply/mentor/thanks/%3Cscript%3Ealert(1)%3C%2Fscript%3E/"],
)
def test_an_unknown_language_or_kind_is_not_found(service: Service, path: str) -> None:
    for method in ("get", "post"):
        response = getattr(service.client, method)(path)
        assert response.status_code == 404
        assert "<script>" not in response.text


@pytest.mark.parametrize("lang", LANGS)
def test_an_oversized_body_gets_the_413_page_in_the_language(
    service: Service, lang: str
) -> None:
    before = service.count()
    response = service.post("partner", lang, message="é" * TOO_BIG)
    assert response.status_code == 413
    assert f'<html lang="{lang}">' in response.text and TOO_LARGE[lang] in response.text
    assert service.count() == before


# -- The mail itself -------------------------------------------------------------------------


def test_a_header_value_with_a_line_break_never_reaches_the_smtp_server(
    service: Service,
) -> None:
    """Defence behind the form's checks: the service's own guard and Flask-Mail's."""
    from flask_mail import BadHeaderError, Message

    from forms_service.mail.render import header_safe
    from forms_service.mail.transport import SmtpMailer

    for value in ("a@b.c\r\nBcc: x@y.z", "Subject\nBcc: x@y.z", "x\rTo: y@z.org"):
        with pytest.raises(ValueError):
            header_safe(value)
    start = len(service.smtp.inbox.messages)
    with service.app.app_context():
        message = Message(
            subject="Hello\r\nBcc: x@y.z", recipients=["a@example.org"],
            sender="forms@example.org", body="x",
        )
        with pytest.raises(BadHeaderError):
            SmtpMailer(5.0).send(message)
    assert len(service.smtp.inbox.messages) == start


def test_hostile_answers_are_escaped_in_the_html_notification(service: Service) -> None:
    start = len(service.smtp.inbox.messages)
    payloads = {
        "organisation": "<img src=x onerror=alert(1)>",
        "message": "<script>alert(1)</script>\n\"><svg/onload=alert(2)>",
        "postcode": "<i>1</i>",
    }
    response = service.post("partner", "fr", **payloads)
    assert response.status_code == 303
    service.send_outbox()
    assert_mail_is_clean(service.smtp, start, list(payloads.values()))
    notification = service.smtp.inbox.messages[-1]
    html = notification.get_body(("html",)).get_content()
    assert str(escape(payloads["organisation"])) in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
