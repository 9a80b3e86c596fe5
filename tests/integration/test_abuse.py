"""Abuse: rate limits on POSTs (memory and a real Redis), one flooding address does not stop
another, the 429 page speaks the visitor's language and repeats nothing, the honeypot."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from apply_support import VALID, ApplicationActions, make_app, stored
from localservers import free_port

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]
REDIS_SERVER = "/usr/bin/redis-server"
FLOODER = {"REMOTE_ADDR": "198.51.100.7"}
NEIGHBOUR = {"REMOTE_ADDR": "203.0.113.20"}
JUNK = {"first_name": "Floodwater", "email": "flood@example.org"}


def limited_app(url: str, **config):  # type: ignore[no-untyped-def]
    return make_app(url, RATELIMIT_ENABLED=True, **config)


def flood(client, path: str, times: int, environ: dict[str, str]) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        client.post(path, data=JUNK, environ_base=environ).status_code for _ in range(times)
    ]


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'forms.sqlite3'}"


def test_the_default_limit_is_generous_per_minute_and_bounded_per_day(sqlite_url: str) -> None:
    """A group at an employment office fits in a minute; a flood stops within the day."""
    app = limited_app(sqlite_url)
    assert app.config["APPLY_RATE_LIMIT"] == "30 per minute;300 per day"
    assert app.config["RATELIMIT_STORAGE_URI"] == "memory://"


def test_a_flood_from_one_address_gets_429_and_another_address_still_applies(
    sqlite_url: str,
) -> None:
    app = limited_app(sqlite_url)
    client = app.test_client()
    # POSTs without a CSRF token count too: the limit is checked before the token.
    codes = flood(client, "/nl/apply/mentor/", 30, FLOODER)
    assert codes == [400] * 30
    refused = client.post("/nl/apply/mentee/", data=JUNK, environ_base=FLOODER)
    assert refused.status_code == 429
    assert '<html lang="nl">' in refused.text
    assert "Te veel formulieren verstuurd" in refused.text
    # The 429 page keeps nothing of what was sent.
    assert "Floodwater" not in refused.text and "flood@example.org" not in refused.text
    # Reading a form is never limited, even for the flooding address.
    assert client.get("/nl/apply/mentor/", environ_base=FLOODER).status_code == 200

    neighbour = ApplicationActions(app.test_client())
    neighbour.client.environ_base.update(NEIGHBOUR)
    response = neighbour.submit("mentor", "fr")
    assert response.status_code == 303
    assert [a.email for a in stored(app)[0]] == [VALID["mentor"]["email"]]


@pytest.mark.parametrize(("lang", "text"), [
    ("fr", "Trop de formulaires envoyés"),
    ("en", "Too many forms sent"),
])
def test_the_429_page_is_in_the_language_of_the_form(sqlite_url: str, lang: str, text: str):
    app = limited_app(sqlite_url, APPLY_RATE_LIMIT="2 per minute")
    client = app.test_client()
    flood(client, f"/{lang}/apply/partner/", 2, FLOODER)
    refused = client.post(f"/{lang}/apply/partner/", data=JUNK, environ_base=FLOODER)
    assert refused.status_code == 429
    assert f'<html lang="{lang}">' in refused.text and text in refused.text


def test_the_address_comes_from_the_one_proxy_in_front(sqlite_url: str) -> None:
    """nginx sets X-Forwarded-For; ProxyFix trusts one hop, so a forged first hop is ignored."""
    app = limited_app(sqlite_url, APPLY_RATE_LIMIT="3 per minute")
    client = app.test_client()
    nginx = {"REMOTE_ADDR": "127.0.0.1"}
    for forged in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        response = client.post(
            "/en/apply/mentor/", data=JUNK, environ_base=nginx,
            headers={"X-Forwarded-For": f"{forged}, 198.51.100.7"},
        )
        assert response.status_code == 400
    blocked = client.post(
        "/en/apply/mentor/", data=JUNK, environ_base=nginx,
        headers={"X-Forwarded-For": "10.0.0.4, 198.51.100.7"},
    )
    assert blocked.status_code == 429
    other = client.post(
        "/en/apply/mentor/", data=JUNK, environ_base=nginx,
        headers={"X-Forwarded-For": "203.0.113.20"},
    )
    assert other.status_code == 400


def test_a_whole_day_of_flooding_stops_at_300_posts(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ten minutes of 30 POSTs each pass; the 301st of the day is refused."""
    app = limited_app(sqlite_url)
    client = app.test_client()
    start = time.time()
    for minute in range(10):
        monkeypatch.setattr(time, "time", lambda m=minute: start + 61 * m)
        assert set(flood(client, "/fr/apply/volunteer/", 30, FLOODER)) == {400}
    monkeypatch.setattr(time, "time", lambda: start + 61 * 10)
    assert flood(client, "/fr/apply/volunteer/", 1, FLOODER) == [429]
    assert flood(client, "/fr/apply/volunteer/", 1, NEIGHBOUR) == [400]


def test_the_honeypot_answers_a_bot_exactly_as_a_person_and_stores_nothing(
    sqlite_url: str,
) -> None:
    """A 303 to a thank-you page with a reference, as a real submission gets: a bot cannot
    tell it was caught."""
    app = make_app(sqlite_url)
    bot = ApplicationActions(app.test_client())
    caught = bot.submit("mentee", "en", website="http://spam.example")
    assert caught.status_code == 303
    assert re.fullmatch(r"/en/apply/mentee/thanks/DUO-[A-Z0-9]{6}/", caught.headers["Location"])
    decoy = bot.client.get(caught.headers["Location"])
    assert stored(app) == ([], [])

    person = ApplicationActions(app.test_client())
    sent = person.submit("mentee", "en", email="amina.n@example.org")
    assert sent.status_code == 303
    thanks = person.client.get(sent.headers["Location"])
    assert decoy.status_code == thanks.status_code == 200
    assert "Thank you, we have received your application" in decoy.text
    # The same page but for the reference (the branch is the one the answers lead to).
    reference = sent.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    fake = caught.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    page_top = re.compile(r"<title>.*?</title>|<h1>.*?</h1>|<p class=\"lead\">.*?</p>", re.S)
    assert page_top.findall(decoy.text.replace(fake, reference)) == page_top.findall(thanks.text)
    assert len(page_top.findall(thanks.text)) == 3
    assert len(stored(app)[0]) == 1
    # Another browser cannot look the decoy up: it was never stored.
    assert person.client.get(caught.headers["Location"]).status_code == 404


# -- Redis: the limits shared by several instances ------------------------------------------


class RedisServer:
    def __init__(self, tmp: Path) -> None:
        self.port = free_port()
        self.tmp = tmp
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A real redis-server on loopback; missing, it fails the run (in CI and here alike)."""
    if not (os.path.exists(REDIS_SERVER) or shutil.which("redis-server")):
        where = "in CI" if os.environ.get("CI") == "true" else "on this machine"
        pytest.fail(
            f"redis-server is not installed {where} ({REDIS_SERVER}). "
            "Run ./deploy/install-system-packages.sh as root (make test does it)."
        )
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


OTHER_INSTANCE = textwrap.dedent("""
    import sys
    sys.path[:0] = ["tests", "."]
    from apply_support import make_app
    app = make_app(sys.argv[1], RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=sys.argv[2],
                   APPLY_RATE_LIMIT="5 per minute")
    client = app.test_client()
    for remote in ("198.51.100.7", "203.0.113.20"):
        response = client.post("/en/apply/mentor/", data={}, environ_base={"REMOTE_ADDR": remote})
        print(response.status_code)
""")


def test_with_redis_a_second_instance_sees_the_same_flood(
    sqlite_url: str, redis_server: RedisServer
) -> None:
    import redis

    app = limited_app(
        sqlite_url, RATELIMIT_STORAGE_URI=redis_server.url, APPLY_RATE_LIMIT="5 per minute"
    )
    assert flood(app.test_client(), "/en/apply/mentor/", 5, FLOODER) == [400] * 5
    # The counters live in Redis, keyed by address …
    keys = [k.decode() for k in redis.Redis(port=redis_server.port).keys("*")]
    assert any("198.51.100.7" in k for k in keys), keys
    # … so another process (another machine) refuses the same address, and only it.
    other = subprocess.run(
        [sys.executable, "-c", OTHER_INSTANCE, sqlite_url, redis_server.url],
        cwd=PROJECT, capture_output=True, text=True, timeout=60,
    )
    assert other.returncode == 0, other.stderr
    assert other.stdout.split() == ["429", "400"]


def test_with_redis_down_applications_are_still_accepted(
    sqlite_url: str, redis_server: RedisServer
) -> None:
    """Counting falls back to memory meanwhile: the storage never costs an application."""
    app = make_app(sqlite_url, RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_server.url)
    actions = ApplicationActions(app.test_client())
    hidden = actions.open("partner", "nl")
    redis_server.stop()
    response = actions.submit("partner", "nl", hidden=hidden)
    assert response.status_code == 303
    assert len(stored(app)[0]) == 1


# -- Mail to someone who did not ask for it ------------------------------------------------

STRANGER = "stranger@example.org"
# The note opens the branch's notification, in the branch's language.
WITHHELD_NOTES = ("No confirmation was sent to the applicant",
                  "Aucune confirmation n'a été envoyée à cette personne",
                  "We stuurden geen bevestiging naar deze persoon")


def flood_a_strangers_address(app, spellings: list[str]) -> list[int]:  # type: ignore[no-untyped-def]
    """Each time a new visitor (a new browser) sends a form with the stranger's address."""
    codes = []
    for n, address in enumerate(spellings):
        visitor = ApplicationActions(app.test_client())
        codes.append(visitor.submit("volunteer", "en", email=address,
                                    first_name=f"Prize{'x' * n}").status_code)
    return codes


def test_a_strangers_address_gets_three_confirmations_a_day_and_the_branch_sees_the_rest(
    database_url: str,
) -> None:
    from localservers import smtp_server

    from forms_service.mail.outbox import send_pending

    # One mailbox, however it is spelled: case, and the domain in punycode or Unicode.
    spellings = [STRANGER, "Stranger@Example.org", "STRANGER@example.org", STRANGER,
                 "stranger@EXAMPLE.org", STRANGER]
    with smtp_server() as (port, inbox):
        app = make_app(database_url, MAIL_SERVER="127.0.0.1", MAIL_PORT=port)
        try:
            assert flood_a_strangers_address(app, spellings) == [303] * 6
            applications, messages = stored(app)
            with app.app_context():
                assert send_pending()["sent"] == 3 + 6
        finally:
            app.extensions["forms_service.engine"].dispose()
    # Every application is stored and notified; three confirmations, the rest kept unsent.
    assert len(applications) == 6
    confirmations = [m for m in messages if m.kind == "confirmation"]
    assert [m.status for m in confirmations] == ["pending"] * 3 + ["withheld"] * 3
    to_stranger = [m for m in inbox.messages if m["To"].addresses[0].username.lower() == "stranger"]
    assert len(to_stranger) == 3
    notifications = [m for m in inbox.messages if m["To"] == "brussels@duoforajob.be"]
    assert len(notifications) == 6
    said = [any(note in m.get_body(("plain",)).get_content() for note in WITHHELD_NOTES)
            for m in notifications]
    assert said == [False] * 3 + [True] * 3
    html = notifications[-1].get_body(("html",)).get_content()
    assert any(note in html for note in WITHHELD_NOTES)


@pytest.mark.parametrize(("lang", "sent", "not_sent"), [
    ("fr", "Nous vous avons envoyé un e-mail", "Nous ne vous avons pas envoyé d'autre e-mail"),
    ("nl", "We hebben je een e-mail gestuurd", "We hebben je geen nieuwe e-mail gestuurd"),
    ("en", "We have sent you an e-mail", "We have not sent you another e-mail"),
])
def test_the_thank_you_page_says_no_e_mail_was_sent_when_the_confirmation_was_withheld(
    sqlite_url: str, lang: str, sent: str, not_sent: str
) -> None:
    app = make_app(sqlite_url, CONFIRMATIONS_PER_ADDRESS=1)
    pages = []
    for n in range(2):
        visitor = ApplicationActions(app.test_client())
        answer = visitor.submit("volunteer", lang, email=STRANGER, first_name=f"Prize{'x' * n}")
        assert answer.status_code == 303
        pages.append(visitor.client.get(answer.location).text)
    assert sent in pages[0] and not_sent not in pages[0]
    assert not_sent in pages[1] and sent not in pages[1]


def test_the_limit_counts_an_internationalised_domain_once_in_both_spellings(
    sqlite_url: str,
) -> None:
    app = make_app(sqlite_url, CONFIRMATIONS_PER_ADDRESS=2)
    spellings = ["jan@ex\u00e9mple.fr", "jan@xn--exmple-cva.fr", "JAN@EX\u00c9MPLE.FR"]
    assert flood_a_strangers_address(app, spellings) == [303] * 3
    statuses = [m.status for m in stored(app)[1] if m.kind == "confirmation"]
    assert statuses == ["pending", "pending", "withheld"]


def test_submissions_at_the_same_moment_cannot_pass_the_limit_together(
    database_url: str,
) -> None:
    """Eight browsers send the stranger's address at once: three confirmations, no more."""
    from concurrent.futures import ThreadPoolExecutor

    app = make_app(database_url)
    visitors = [ApplicationActions(app.test_client()) for _ in range(8)]
    hidden = [v.open("partner", "fr") for v in visitors]
    try:
        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(
                lambda n: visitors[n].submit(
                    "partner", "fr", hidden=hidden[n], email=STRANGER,
                    contact_name=f"Jan {'z' * n}").status_code,
                range(8),
            ))
        applications, messages = stored(app)
    finally:
        app.extensions["forms_service.engine"].dispose()
    assert codes == [303] * 8
    assert len(applications) == 8
    confirmations = [m.status for m in messages if m.kind == "confirmation"]
    assert sorted(confirmations) == ["pending"] * 3 + ["withheld"] * 5


def test_an_application_larger_than_the_bound_is_refused_whoever_calls_the_service(
    sqlite_url: str,
) -> None:
    from datetime import UTC, datetime

    from forms_service.extensions import db
    from forms_service.services.applications import (
        MAX_ANSWERS_BYTES,
        ApplicationInput,
        ApplicationTooLarge,
        submit_application,
    )
    from sitedata import load_default

    app = make_app(sqlite_url)
    answers = {**VALID["volunteer"], "message": "x" * MAX_ANSWERS_BYTES}
    with app.test_request_context("/en/apply/volunteer/"):
        data = ApplicationInput(kind="volunteer", lang="en", answers=answers)
        with pytest.raises(ApplicationTooLarge):
            submit_application(db.session, data, load_default(), datetime.now(UTC))
        # Repeated choices count once, and an application within the bound is stored.
        fine = {**VALID["volunteer"], "availability": ["weekend"] * 2000}
        data = ApplicationInput(kind="volunteer", lang="en", answers=fine)
        application = submit_application(db.session, data, load_default(), datetime.now(UTC))
        assert application.answers["availability"] == ["weekend"]
    assert len(stored(app)[0]) == 1


def test_the_429_says_when_to_try_again(sqlite_url: str) -> None:
    app = limited_app(sqlite_url, APPLY_RATE_LIMIT="2 per minute")
    client = app.test_client()
    flood(client, "/fr/apply/mentor/", 2, FLOODER)
    refused = client.post("/fr/apply/mentor/", data=JUNK, environ_base=FLOODER)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_ipv6_visitors_count_per_64_network(sqlite_url: str) -> None:
    """A home or a phone network has a whole /64: another address in it is the same visitor."""
    app = limited_app(sqlite_url, APPLY_RATE_LIMIT="3 per minute")
    client = app.test_client()
    same_network = ["2001:db8:1:2::1", "2001:db8:1:2:ffff::9", "2001:db8:1:2:abcd:1:2:3"]
    for address in same_network:
        assert flood(client, "/en/apply/mentor/", 1, {"REMOTE_ADDR": address}) == [400]
    assert flood(client, "/en/apply/mentor/", 1, {"REMOTE_ADDR": "2001:db8:1:2::77"}) == [429]
    assert flood(client, "/en/apply/mentor/", 1, {"REMOTE_ADDR": "2001:db8:1:3::1"}) == [400]


def test_guessing_references_is_refused_after_ten_misses_but_a_person_sees_their_page(
    sqlite_url: str,
) -> None:
    """A thank-you page found by its reference tells the kind and the branch: only misses
    count, so a person reloading their own page is never refused."""
    app = limited_app(sqlite_url)
    person = ApplicationActions(app.test_client())
    person.client.environ_base.update(FLOODER)
    own = person.submit("mentor", "fr").headers["Location"]
    for _ in range(12):
        assert person.client.get(own).status_code == 200
    guesses = [person.client.get(f"/fr/apply/mentor/thanks/DUO-AAAA{a}{b}/").status_code
               for a in "CD" for b in "EFGHJ"]
    assert guesses == [404] * 10
    refused = person.client.get("/fr/apply/mentor/thanks/DUO-AAAAKM/")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    neighbour = app.test_client()
    assert neighbour.get(own, environ_base=NEIGHBOUR).status_code == 200
