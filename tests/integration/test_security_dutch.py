"""Flask-Security-Too's own texts in the workspace, in Dutch: its shipped nl_NL catalogue
leaves most of them in English, so the service adds forms_service/translations_security,
read after it. A Dutch-speaking coordinator signs in, sets a password, gives a code, asks for
a new password, changes it, makes recovery codes and names a passkey, and meets no English
text from the library on the way (the pages and flashes, the e-mails in the outbox)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import flask_security
import pytest
from apply_support import make_app
from babel.messages.catalog import Message
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from sqlalchemy import select
from staff_support import PASSWORD, StaffMember, add_staff, csrf_of
from textchecks import formal_dutch_address

from forms_service.extensions import db
from forms_service.models import OutboxMessage

FOLDER = (Path(__file__).resolve().parents[2] / "forms_service" / "translations_security"
          / "nl_NL" / "LC_MESSAGES")
SHIPPED = Path(flask_security.__file__).parent / "translations"
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]?\d*(?:\.\d+)?[diouxXeEfFgGcrs]")
# Its English placeholder "%(length) c" prints the number as a character ("less than
# @haracters"): the Dutch says the value is too long, without the number.
BROKEN_PLACEHOLDER = "Value entered must be less than %(length) characters"
EMAIL = "an@example.org"
integration = pytest.mark.integration


def catalogue() -> list[Message]:
    with (FOLDER / "flask_security.po").open("rb") as fh:
        return [m for m in read_po(fh) if m.id]


def placeholders(text: str) -> list[str]:
    return sorted(m.group() for m in PLACEHOLDER.finditer(text))


# --- the catalogue itself ---

def test_every_msgid_of_the_dutch_catalogue_is_one_flask_security_has() -> None:
    """A msgid with a typo would never be looked up: each must be in the shipped .pot."""
    with (SHIPPED / "flask_security.pot").open("rb") as fh:
        known = {m.id for m in read_po(fh) if m.id}
    ours = catalogue()
    assert len(ours) > 100
    assert sorted(m.id for m in ours if m.id not in known) == []


def test_every_message_of_the_dutch_catalogue_is_translated_and_not_fuzzy() -> None:
    assert [m.id for m in catalogue() if not m.string or m.fuzzy] == []


def test_the_dutch_catalogue_says_je_to_its_reader_never_u() -> None:
    found = {m.id: formal_dutch_address(m.string) for m in catalogue()}
    assert {msgid: places for msgid, places in found.items() if places} == {}


def test_a_dutch_message_keeps_the_placeholders_of_its_english() -> None:
    wrong = {m.id: m.string for m in catalogue()
             if m.id != BROKEN_PLACEHOLDER and placeholders(m.id) != placeholders(m.string)}
    assert wrong == {}


def test_the_compiled_dutch_catalogue_matches_the_po_file() -> None:
    """pybabel compile -d forms_service/translations_security -D flask_security."""
    with (FOLDER / "flask_security.mo").open("rb") as fh:
        compiled = {m.id: m.string for m in read_mo(fh) if m.id}
    assert compiled == {m.id: m.string for m in catalogue()}


# --- the catalogue in the service ---

@pytest.fixture
def dutch_app(tmp_path: Path) -> Iterator[Flask]:
    # No DNS on a test machine: the reset form would find example.org undeliverable.
    app = make_app(f"sqlite:///{tmp_path / 'forms.sqlite3'}",
                   SECURITY_EMAIL_VALIDATOR_ARGS={"check_deliverability": False})
    yield app
    app.extensions["forms_service.engine"].dispose()


def dutch_person(app: Flask) -> tuple[StaffMember, str]:
    """A coordinator added in Dutch, in a browser asking for Dutch; the set-password link."""
    link = add_staff(app, EMAIL, "coordinator", "--branch", "ghent", "--lang", "nl")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    return StaffMember(client, EMAIL), "/" + link.split("://", 1)[1].split("/", 1)[1]


class VisibleText(HTMLParser):
    """What a person reads: text, button captions, placeholders and image descriptions."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._skip += tag in ("script", "style", "title")
        found = dict(attrs)
        if tag == "input" and found.get("type") == "submit":
            self.parts.append(found.get("value") or "")
        self.parts += [found[a] or "" for a in ("placeholder", "alt") if a in found]

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def speaks_dutch(text: str, dutch: list[str], english: list[str]) -> None:
    """Each Dutch text is there; none of the English ones (as whole words) is."""
    assert [d for d in dutch if d not in text] == [], text
    found = [e for e in english if re.search(rf"(?<!\w){re.escape(e)}(?!\w)", text)]
    assert found == [], text


def account_mail(app: Flask, template: str) -> OutboxMessage:
    with app.app_context():
        [message] = db.session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == f"account:security/email/{template}"[:32])).all()
        db.session.expunge(message)
    return message


@integration
def test_the_shipped_dutch_is_read_first_and_ours_fills_and_overrides_it(dutch_app) -> None:
    domain = dutch_app.extensions["security"].i18n_domain
    with dutch_app.test_request_context("/staff/login", headers={"Accept-Language": "nl"}):
        assert domain.gettext("Forgot password?") == "Wachtwoord vergeten?"  # shipped only
        assert domain.gettext("Your code has been confirmed") == "Je code is bevestigd"  # gap
        assert domain.gettext("Login") == "Inloggen"  # shipped "Aanmelden" overridden
    with dutch_app.test_request_context("/staff/login", headers={"Accept-Language": "fr"}):
        assert domain.gettext("Your code has been confirmed") == "Votre code a été confirmé"


@integration
def test_signing_in_speaks_dutch_from_the_form_to_the_code(dutch_app) -> None:
    person, link = dutch_person(dutch_app)
    signed_out = person.get("/staff/", follow_redirects=True)
    speaks_dutch(visible(signed_out.text),
                 ["Je moet inloggen om deze pagina te bekijken.", "Wachtwoord", "Inloggen"],
                 ["You must sign in to view this resource.", "Password", "Login",
                  "Aanmelden"])
    empty = person.post("/staff/login", {"email": "", "password": ""}, page="/staff/login")
    speaks_dutch(visible(empty.text), ["E-mailadres niet ingevuld"],
                 ["Email not provided", "Email niet ingevuld"])

    page = person.get(link)
    speaks_dutch(visible(page.text),
                 ["Nieuw wachtwoord instellen", "Typ je wachtwoord opnieuw",
                  "Wachtwoord instellen"],
                 ["Reset wachtwoord", "Type wachtwoord opnieuw", "reset wachtwoord",
                  "Reset password", "Retype Password"])
    short = person.post(link, {"password": "short", "password_confirm": "short"})
    speaks_dutch(visible(short.text), ["Je wachtwoord moet minstens 10 tekens lang zijn"],
                 ["Password must be at least 10 characters"])
    assert person.set_password(link).headers["Location"] == "/staff/login"
    speaks_dutch(visible(person.get("/staff/login").text),
                 ["Je wachtwoord is ingesteld. Log nu in met je nieuwe wachtwoord."],
                 ["You successfully reset your password."])
    notice = account_mail(dutch_app, "reset_notice")
    assert notice.subject == "Je nieuwe wachtwoord is ingesteld"
    speaks_dutch(notice.body_text + notice.body_html, ["Je nieuwe wachtwoord is ingesteld."],
                 ["Your password has been reset", "Uw wachtwoord werd gereset"])
    used_again = person.get(link, follow_redirects=True)
    speaks_dutch(visible(used_again.text),
                 ["Deze link om je wachtwoord in te stellen is ongeldig of al gebruikt."],
                 ["Invalid reset password token.", "Ongeldig wachtwoord reset token."])

    wrong = person.post("/staff/login", {"email": EMAIL, "password": "not my password"})
    speaks_dutch(visible(wrong.text), ["Ongeldig wachtwoord", "Wachtwoord"],
                 ["Invalid password", "Password"])
    signed_in = person.sign_in()
    speaks_dutch(visible(person.get(signed_in.headers["Location"]).text),
                 ["Je code is bevestigd"], ["Your code has been confirmed"])


@integration
def test_a_wrong_code_or_recovery_code_is_refused_in_dutch(dutch_app) -> None:
    person, link = dutch_person(dutch_app)
    person.set_password(link)
    person.sign_in()
    person.post("/staff/logout", page="/staff/")
    person.post("/staff/login", {"email": EMAIL, "password": PASSWORD})
    right = person.totp.now()  # only looked at, to send another: no need for a fresh one
    wrong = person.post("/staff/tf-validate", {"code": f"{(int(right) + 500000) % 10**6:06d}"})
    speaks_dutch(visible(wrong.text), ["Ongeldige code", "Code", "Code bevestigen"],
                 ["Invalid code", "Authentication Code", "Authenticatie Code", "Submit Code"])
    recovery = person.post("/staff/mf-recovery", {"code": "not-a-code"})
    speaks_dutch(visible(recovery.text),
                 ["Herstelcode invullen", "Herstelcode", "Deze herstelcode is ongeldig"],
                 ["Enter Recovery Code", "Recovery Code", "Recovery code invalid"])


@integration
def test_asking_for_a_new_password_speaks_dutch_and_so_does_the_email(dutch_app) -> None:
    person, link = dutch_person(dutch_app)
    person.set_password(link)
    page = person.get("/staff/reset")
    speaks_dutch(visible(page.text), ["Een link vragen om je wachtwoord in te stellen"],
                 ["Send password reset instructions", "Verzend wachtwoord reset instructies"])
    sent = person.post("/staff/reset", {"email": EMAIL})
    speaks_dutch(visible(sent.text),
                 [f"De instructies om je wachtwoord opnieuw in te stellen zijn naar {EMAIL} "
                  "gestuurd."],
                 ["Instructions to reset your password", "uw wachtwoord"])
    mail = account_mail(dutch_app, "reset_instructions")
    assert mail.recipient == EMAIL
    assert mail.subject == "Je wachtwoord opnieuw instellen"
    # The service's own wording (templates/security/email): the lifetime in hours, which
    # Dutch can say (the library's "3 days" falls back to English).
    assert re.search(r"Kies met deze link een nieuw wachtwoord voor de werkruimte van de "
                     r"afdelingen van DUO for a JOB:\nhttp://\S+/staff/reset/\S+", mail.body_text)
    assert re.search(r'<a href="http://\S+/staff/reset/\S+">', mail.body_html)
    speaks_dutch(mail.body_text + mail.body_html, ["De link werkt één keer, 72 uur lang."],
                 ["Password reset instructions", "to reset your password",
                  "This link will expire", "days"])


@integration
def test_changing_the_password_speaks_dutch_and_so_does_the_notice(dutch_app) -> None:
    person, link = dutch_person(dutch_app)
    person.set_password(link)
    person.sign_in()
    page = person.get("/staff/change")
    speaks_dutch(visible(page.text),
                 ["Wachtwoord", "Nieuw wachtwoord", "Typ je wachtwoord opnieuw"],
                 ["Password", "New Password", "Retype Password", "Type wachtwoord opnieuw"])
    same = person.post("/staff/change", {"password": PASSWORD, "new_password": PASSWORD,
                                         "new_password_confirm": PASSWORD})
    speaks_dutch(visible(same.text),
                 ["Je nieuwe wachtwoord moet verschillen van je vorige wachtwoord."],
                 ["Your new password must be different", "Uw nieuw wachtwoord"])
    new = "a brand new passphrase"
    changed = person.post("/staff/change", {"password": PASSWORD, "new_password": new,
                                            "new_password_confirm": new})
    assert changed.status_code == 302
    speaks_dutch(visible(person.get(changed.headers["Location"]).text),
                 ["Je wachtwoord is gewijzigd."],
                 ["You successfully changed your password.", "Uw wachtwoord"])
    notice = account_mail(dutch_app, "change_notice")
    assert notice.subject == "Je wachtwoord is gewijzigd"
    speaks_dutch(notice.body_text,
                 ["Je wachtwoord is gewijzigd.", "Heb je je wachtwoord niet zelf gewijzigd? Klik "
                  "dan op de link hieronder om het opnieuw in te stellen."],
                 ["Your password has been changed", "If you did not change your password"])
    assert re.search(r"Als je je wachtwoord niet zelf hebt gewijzigd, <a href=\"http://\S+/"
                     r"staff/reset\">klik dan hier om het opnieuw in te stellen</a>\.",
                     notice.body_html)
    assert formal_dutch_address(notice.body_html) == []


@integration
def test_signing_in_again_before_a_sensitive_action_speaks_dutch(dutch_app) -> None:
    person, link = dutch_person(dutch_app)
    person.set_password(link)
    person.sign_in()
    with person.client.session_transaction() as session:
        session["fs_paa"] = session["fs_paa"] - 6 * 60
    asked = person.get("/staff/applications.csv", follow_redirects=True)
    speaks_dutch(visible(asked.text),
                 ["Bevestig eerst opnieuw dat jij het bent om verder te gaan",
                  "Bevestig dat jij het bent", "Wachtwoord bevestigen"],
                 ["You must reauthenticate", "Reauthenticate", "Verify Password",
                  "Wachtwoord Verificatie"])
    again = person.post("/staff/verify", {"password": PASSWORD})
    assert again.status_code == 302
    speaks_dutch(visible(person.get("/staff/").text),
                 ["Je identiteit is bevestigd"], ["Reauthentication successful"])


@integration
def test_recovery_codes_and_passkeys_speak_dutch(dutch_app) -> None:
    person, link = dutch_person(dutch_app)
    person.set_password(link)
    person.sign_in()
    english_codes = ["Recovery Codes", "Show Recovery Codes", "Generate new Recovery Codes",
                     "Generate New Recovery Codes", "No recovery codes generated yet",
                     "Be sure to copy these"]
    none_yet = person.get("/staff/mf-recovery-codes?show_codes=1")
    speaks_dutch(visible(none_yet.text),
                 ["Herstelcodes", "Herstelcodes tonen", "Nieuwe herstelcodes maken",
                  "Je hebt nog geen herstelcodes gemaakt"], english_codes)
    made = person.post("/staff/mf-recovery-codes", {"generate_new_codes": "1"})
    speaks_dutch(visible(made.text),
                 ["Kopieer deze codes en bewaar ze op een veilige plek. Je kunt elke code maar "
                  "één keer gebruiken."], english_codes)

    page = person.get("/staff/wan-register")
    speaks_dutch(visible(page.text), ["Naam van de passkey"], ["Nickname"])
    unnamed = person.post("/staff/wan-register", {"name": ""})
    speaks_dutch(visible(unnamed.text), ["Geef je nieuwe passkey een naam."],
                 ["Nickname", "Nickname for new passkey is required."])
    missing = person.client.post("/staff/wan-delete", follow_redirects=True,
                                 data={"name": "My phone", "csrf_token": csrf_of(page.text)})
    speaks_dutch(visible(missing.text),
                 ["Je hebt geen passkey met de naam My phone."],
                 ["not registered with current user"])
