"""`make serve` (deploy/serve.sh) has no nginx in front to read requests whole: clients that
send slowly must not hold every worker (the audit stalled it with two)."""

from __future__ import annotations

import os
import socket
import subprocess
import urllib.request
from pathlib import Path

import pytest
from localservers import HOST, free_port, stop, wait_for_http

pytestmark = pytest.mark.integration

PROJECT = Path(__file__).resolve().parents[2]


def slow_client(port: int, start: bytes) -> socket.socket:
    """A connection that sends the beginning of a request, then nothing more."""
    connection = socket.create_connection((HOST, port), timeout=10)
    connection.sendall(start)
    return connection


def test_clients_sending_slowly_do_not_stall_make_serve(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ, "PORT": str(port), "HOST": HOST, "BIN": str(PROJECT / ".venv" / "bin"),
        "FLASK_DATABASE_URL": f"sqlite:///{tmp_path / 'forms.sqlite3'}",
        "FLASK_SECRET_KEY": "slow-clients", "FLASK_SITE_DIR": "/nonexistent",
    }
    env.pop("FLASK_MAIL_SERVER", None)
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        serve = subprocess.Popen([str(PROJECT / "deploy" / "serve.sh")], cwd=PROJECT, env=env,
                                 stdout=out, stderr=subprocess.STDOUT)
    held: list[socket.socket] = []
    try:
        wait_for_http(f"http://{HOST}:{port}/fr/apply/mentor/", serve, log, timeout=60)
        # Headers that never end, and a form whose body never comes, two of each: as many
        # as make serve has workers, and more.
        for _ in range(2):
            held.append(slow_client(port, f"GET /fr/apply/mentor/ HTTP/1.1\r\nHost: {HOST}\r\n"
                                    "User-Agent: slow".encode()))
            held.append(slow_client(port, f"POST /fr/apply/mentor/ HTTP/1.1\r\nHost: {HOST}\r\n"
                                    "Content-Type: application/x-www-form-urlencoded\r\n"
                                    "Content-Length: 4000\r\n\r\nfirst_name=Sl".encode()))
        with urllib.request.urlopen(f"http://{HOST}:{port}/nl/apply/mentee/",
                                    timeout=10) as response:
            assert response.status == 200
            assert '<html lang="nl">' in response.read().decode()
    finally:
        for connection in held:
            connection.close()
        stop(serve)
