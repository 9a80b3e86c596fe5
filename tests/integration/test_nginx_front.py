"""nginx in front of gunicorn, as deploy/ sets them up on one machine: rate limits counted
once per visitor across every worker and restart, IPv6 visitors per /64, nginx's own refusals
as the service's translated pages with the security headers, and access logs that a path
cannot forge.

Visitors' addresses come from a header nginx trusts from 127.0.0.1 (the realip module, as
behind a load balancer), so one test machine can be many visitors, IPv6 ones included. A
burst of requests is written on connections opened beforehand, so all reach nginx within
milliseconds: what nginx lets through does not depend on how fast the machine answers.
"""

from __future__ import annotations

import contextlib
import re
import socket
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from localservers import HOST, free_port, gunicorn_service, nginx, require_nginx

pytestmark = pytest.mark.integration

REAL_IP = "    set_real_ip_from 127.0.0.1;\n    real_ip_header X-Real-IP;"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def small_site(directory: Path) -> Path:
    (directory / "assets").mkdir(parents=True)
    (directory / "index.html").write_text('<!doctype html><html lang="fr"><title>DUO</title>')
    (directory / "assets" / "site.css").write_text("body { margin: 0 }\n")
    return directory


@contextlib.contextmanager
def gunicorn_behind_nginx(root: Path, max_requests: int) -> Iterator[dict[str, object]]:
    """gunicorn with the production config and three workers, behind nginx."""
    require_nginx()
    config = {
        "GUNICORN_MAX_REQUESTS": str(max_requests),
        "FLASK_DATABASE_URL": f"sqlite:///{root / 'forms.sqlite3'}",
        "FLASK_SECRET_KEY": "front-test", "FLASK_SITE_DIR": "/nonexistent",
        # The service's own look-up limit is per worker; here nginx's alone is measured.
        "FLASK_THANKS_LOOKUP_LIMIT": "1000 per hour",
    }
    with gunicorn_service(root, config, workers=3) as app, nginx(
        root, small_site(root / "site"), app.port, worker_connections=512, http_extra=REAL_IP
    ) as port:
        yield {"base": f"http://{HOST}:{port}", "port": port, "root": root,
               "gunicorn": app.process, "app_log": app.log}


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    with gunicorn_behind_nginx(tmp_path_factory.mktemp("front"), 2000) as servers:
        yield servers


@pytest.fixture
def recycling_front(tmp_path: Path) -> Iterator[dict[str, object]]:
    """Workers recycled every ten requests or so (max_requests), as a busy day does."""
    with gunicorn_behind_nginx(tmp_path, 10) as servers:
        yield servers


def request(url: str, method: str = "GET", data: bytes | None = None,
            **headers: str) -> tuple[int, dict[str, str], str]:
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def post(base: str, path: str, visitor: str) -> tuple[int, dict[str, str], str]:
    """A form sent without its token: the service answers 400 unless nginx refuses first."""
    return request(base + path, "POST", b"first_name=Flood", **{"X-Real-IP": visitor})


def burst(port: int, requests: list[str]) -> list[int]:
    """Each request on its own connection, all written at once; the status of each."""
    return [int(answer.split(b" ", 2)[1]) for answer in burst_answers(port, requests)]


def burst_answers(port: int, requests: list[str]) -> list[bytes]:
    connections = [socket.create_connection((HOST, port), timeout=120) for _ in requests]
    for connection, text in zip(connections, requests, strict=True):
        connection.sendall(text.encode())
    answers = []
    for connection in connections:
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
        connection.close()
        answers.append(answer)
    return answers


def parse(answer: bytes) -> tuple[int, dict[str, str], str]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split(" ", 2)[1]), headers, body.decode()


def form_post(path: str, visitor: str) -> str:
    body = "first_name=Flood"
    return (f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nX-Real-IP: {visitor}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n{body}")


def lookup(path: str, visitor: str) -> str:
    return (f"GET {path} HTTP/1.1\r\nHost: {HOST}\r\nX-Real-IP: {visitor}\r\n"
            "Connection: close\r\n\r\n")


def assert_security_headers(headers: dict[str, str]) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, name
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_one_visitor_is_counted_once_across_every_worker_and_restart(recycling_front) -> None:
    """The audit's case: three workers let 90 posts through where 30 were meant, and a
    recycled worker started again from zero."""
    front = recycling_front
    base = front["base"]
    answers = [parse(answer) for answer in burst_answers(
        front["port"], [form_post("/nl/apply/mentor/", "198.51.100.10")] * 40
    )]
    assert sorted(status for status, _, _ in answers) == [400] * 30 + [429] * 10
    # Workers were recycled meanwhile (max_requests): their own counts started again.
    assert "Autorestarting worker" in Path(front["app_log"]).read_text()

    status, headers, page = next(answer for answer in answers if answer[0] == 429)
    assert headers["Retry-After"] == "60"
    assert '<html lang="nl">' in page and "Te veel formulieren verstuurd" in page
    assert "Flood" not in page
    assert_security_headers(headers)
    # Another visitor, and reading a form, are not limited.
    assert post(base, "/nl/apply/mentor/", "198.51.100.11")[0] == 400
    opened = request(f"{base}/nl/apply/mentor/", **{"X-Real-IP": "198.51.100.10"})
    assert opened[0] == 200


def test_ipv6_visitors_are_counted_per_64_network(front) -> None:
    one_home = ["2001:db8:5:6::1", "2001:db8:5:6:ffff:ffff:ffff:fffe", "2001:db8:5:6::a0a",
                "2001:db8:5:6:1234::1"]
    codes = burst(front["port"], [form_post("/en/apply/partner/", one_home[n % 4])
                                  for n in range(32)]
                  + [form_post("/en/apply/partner/", "2001:db8:5:7::1")])
    assert sorted(codes[:32]) == [400] * 30 + [429] * 2
    assert codes[32] == 400  # the next /64 is another visitor


def test_looking_up_thank_you_pages_is_limited_per_visitor(front) -> None:
    """Guessing references would tell which branch received which kind of application."""
    guesses = [lookup(f"/fr/apply/mentor/thanks/DUO-AAAA{a}{b}/", "198.51.100.30")
               for a in "CDEFG" for b in "HJKMN"]
    codes = burst(front["port"], guesses)
    assert sorted(codes) == [404] * 21 + [429] * 4
    other = request(f"{front['base']}/fr/apply/mentor/thanks/DUO-AAAAXY/",
                    **{"X-Real-IP": "198.51.100.31"})
    assert other[0] == 404


@pytest.mark.parametrize(("lang", "text"), [("fr", "Vos réponses sont trop longues"),
                                            ("en", "Your answers are too long")])
def test_a_body_too_large_for_nginx_gets_the_services_page_in_the_language(
    front, lang: str, text: str
) -> None:
    prefix = "" if lang == "fr" else f"/{lang}"
    path = f"/{lang}/apply/partner/" if lang != "fr" else "/fr/apply/partner/"
    status, headers, page = request(front["base"] + path, "POST", b"m=" + b"x" * 100_000,
                                    **{"X-Real-IP": f"198.51.100.4{len(prefix)}"})
    assert status == 413
    assert f'<html lang="{lang}">' in page and text in page
    assert_security_headers(headers)
    assert "Retry-After" not in headers


def test_the_sites_assets_carry_the_security_headers(front) -> None:
    status, headers, _ = request(f"{front['base']}/assets/site.css")
    assert status == 200
    assert_security_headers(headers)
    assert "max-age=604800" in headers["Cache-Control"]


def test_the_service_down_gets_a_translated_503_page_with_retry_after(
    tmp_path: Path,
) -> None:
    """nginx alone, the service stopped: its 502 is the service's 'try again' page."""
    with nginx(tmp_path, small_site(tmp_path / "site"), free_port()) as port:
        status, headers, page = request(f"http://{HOST}:{port}/en/apply/mentor/")
    assert status == 502
    assert '<html lang="en">' in page and "Please try again in a few minutes" in page
    assert headers["Retry-After"] == "30"
    assert_security_headers(headers)
    assert "nginx/" not in page


def raw_request(port: int, target: str) -> bytes:
    with socket.create_connection((HOST, port), timeout=10) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: {HOST}\r\n"
                           "Connection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_a_path_cannot_forge_a_line_or_colour_the_terminal_in_either_access_log(front) -> None:
    forged = '127.0.0.1 "GET /forged" 200'
    target = ("/fr/apply/x%0a127.0.0.1%20%22GET%20/forged%22%20200"
              "%0d%1b[31mred%1b[0m%5c%22/")
    answer = raw_request(front["port"], target)
    assert answer.startswith(b"HTTP/1.1 404")
    # gunicorn writes its line once the answer is sent: wait for it.
    deadline = time.monotonic() + 30
    while b"forged" not in Path(front["app_log"]).read_bytes():
        assert time.monotonic() < deadline, "gunicorn never logged the request"
        time.sleep(0.1)
    for log in (front["app_log"], front["root"] / "access.log"):
        text = Path(log).read_bytes()
        assert b"\x1b" not in text and b"\r" not in text, log
        lines = text.decode().splitlines()
        assert not any(line.startswith(forged) for line in lines), log
        mentions = [line for line in lines if "forged" in line]
        assert len(mentions) == 1, (log, mentions)
    app_line = next(line for line in Path(front["app_log"]).read_text().splitlines()
                    if "forged" in line)
    assert re.search(r'"GET /fr/apply/x\\x0a127\.0\.0\.1 \\x22GET /forged\\x22 200'
                     r'\\x0d\\x1b\[31mred\\x1b\[0m\\x5c\\x22/" 404', app_line), app_line
