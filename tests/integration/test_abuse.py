"""Abuse: rate limits on POSTs (memory and a real Redis), one flooding address does not stop
another, the 429 page speaks the visitor's language and repeats nothing, the honeypot."""

from __future__ import annotations

import os
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


def test_the_honeypot_looks_like_success_to_a_bot_and_stores_nothing(sqlite_url: str) -> None:
    app = make_app(sqlite_url)
    actions = ApplicationActions(app.test_client())
    bot = actions.submit("mentee", "en", website="http://spam.example")
    assert bot.status_code == 200
    assert "Thank you, we have received your application" in bot.text
    assert 'class="reference">DUO-' in bot.text
    assert stored(app) == ([], [])
    # A person's submission shows the same page after the redirect.
    person = actions.submit("mentee", "en")
    thanks = actions.client.get(person.headers["Location"])
    assert "Thank you, we have received your application" in thanks.text
    assert len(stored(app)[0]) == 1


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
