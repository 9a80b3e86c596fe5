"""Real servers on 127.0.0.1 for the tests and the benchmarks: a free port, waiting until a
server answers, stopping it, a throwaway PostgreSQL cluster, an SMTP server, and nginx with
the project's deploy/nginx.conf.template (over TLS too, with a certificate made for the
test). Each server is stopped by its own pid, never by name."""

from __future__ import annotations

import contextlib
import email
import email.policy
import glob
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

HOST = "127.0.0.1"
PROJECT = Path(__file__).resolve().parent.parent
NGINX = Path(shutil.which("nginx") or "/usr/sbin/nginx")
NGINX_TEMPLATE = PROJECT / "deploy" / "nginx.conf.template"
# The virtual environment running the tests or the benchmarks: its flask and gunicorn.
BIN = Path(sys.executable).parent


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def stop(process: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `timeout` seconds; only this process."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait(ready: Callable[[], bool], what: str, process: subprocess.Popen | None,
          log: Path | None, timeout: float) -> None:
    """Poll `ready` until it is true; fail early, with the server's log, if `process` exits."""
    def output() -> str:
        return f":\n{log.read_text(errors='replace')}" if log and log.is_file() else ""

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"{process.args!r} exited with {process.returncode} before {what}{output()}"
            )
        if ready():
            return
        time.sleep(0.05)
    raise TimeoutError(f"not {what} after {timeout} s{output()}")


def wait_for_port(port: int, process: subprocess.Popen | None = None, log: Path | None = None,
                  timeout: float = 20.0) -> None:
    """Until something accepts connections on HOST:port (for servers that are not HTTP)."""
    def ready() -> bool:
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return True
        except OSError:
            return False

    _wait(ready, f"listening on {HOST}:{port}", process, log, timeout)


def wait_for_http(url: str, process: subprocess.Popen | None = None, log: Path | None = None,
                  timeout: float = 20.0, context: ssl.SSLContext | None = None) -> None:
    """Until a GET of `url` succeeds (2xx after redirects); `context` for https."""
    def ready() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=10, context=context):
                return True
        except OSError:  # refused, reset, timed out, or an HTTP error status
            return False

    _wait(ready, f"answering {url}", process, log, timeout)


# -- SMTP -----------------------------------------------------------------------------------


class SmtpInbox:
    """aiosmtpd's handler: keeps every message received, parsed, with its envelope and the
    client's address (one per SMTP session)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.peers: list[tuple[str, int]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.peers.append(session.peer)
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if m["To"] == address]


class SmtpServer:
    """A real SMTP server (aiosmtpd) on a free loopback port, delivering to `inbox`."""

    def __init__(self, inbox: SmtpInbox | None = None) -> None:
        self.port = free_port()
        self.inbox = inbox or SmtpInbox()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        self.controller = Controller(self.inbox, hostname=HOST, port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller:
            self.controller.stop()
            self.controller = None


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, SmtpInbox]]:
    """SmtpServer for the length of a block; yields (port, inbox)."""
    server = SmtpServer()
    server.start()
    try:
        yield server.port, server.inbox
    finally:
        server.stop()


# -- PostgreSQL ---------------------------------------------------------------------------


def pg_bin_dir() -> Path | None:
    """The newest installed Debian PostgreSQL's bin/ (initdb, pg_ctl), if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class PostgresCluster:
    """initdb + pg_ctl in a temporary directory, on loopback; as root, the server runs as user
    postgres. durable=False (the tests) turns fsync and friends off for speed; durable=True
    (the benchmarks) keeps PostgreSQL's defaults, so figures are those of a real server."""

    def __init__(self, bin_dir: Path | None = None, durable: bool = False) -> None:
        bin_dir = bin_dir or pg_bin_dir()
        if bin_dir is None:
            raise RuntimeError(
                "PostgreSQL is not installed: run ./deploy/install-system-packages.sh as root"
            )
        self.bin_dir = bin_dir
        self.durable = durable
        self.root = Path(tempfile.mkdtemp(prefix="duo-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if self.as_root:
            # PostgreSQL refuses to run as root.
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=self.root)

    def start(self) -> str:
        """Start the cluster; returns its SQLAlchemy URL."""
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-sync", "--locale=C.UTF-8",
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses={HOST}"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "start",
        )
        return f"postgresql+psycopg://postgres@{HOST}:{self.port}/postgres"

    def stop(self) -> None:
        """Stop the server (a clean shutdown when durable) and delete its files."""
        mode = "fast" if self.durable else "immediate"
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


# -- nginx --------------------------------------------------------------------------------


def nginx_site_config(site_dir: Path, upstream: str, listen: str, error_pages: Path) -> str:
    """deploy/nginx.conf.template as
    `envsubst '${SITE_DIR} ${APP_UPSTREAM} ${LISTEN} ${ERROR_PAGES}'` renders it, and nothing
    more."""
    text = NGINX_TEMPLATE.read_text()
    for name, value in (("SITE_DIR", str(site_dir)), ("APP_UPSTREAM", upstream),
                        ("LISTEN", listen), ("ERROR_PAGES", str(error_pages))):
        text = text.replace("${" + name + "}", value)
    return text


def write_error_pages(directory: Path) -> Path:
    """nginx's error pages, as the README has the operator write them:
    `flask --app forms_service error-pages DIRECTORY`."""
    env = {**os.environ, "FLASK_SITE_DIR": "/nonexistent", "FLASK_SECRET_KEY": "error-pages",
           "FLASK_DATABASE_URL": "sqlite://"}
    subprocess.run(
        [str(PROJECT / ".venv" / "bin" / "flask"), "--app", "forms_service", "error-pages",
         str(directory)],
        cwd=PROJECT, env=env, check=True, capture_output=True, timeout=60,
    )
    return directory


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with openssl, valid for a day: (cert, key)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True, timeout=60,
    )
    return cert, key


def nginx_main_config(root: Path, site_conf: Path, worker_connections: int = 64,
                      access_log: bool = True, http_extra: str = "") -> str:
    """The nginx.conf around the site's server block, every writable path under `root`."""
    # As root, workers would drop to "nobody" and could not read a private (0700) folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = "\n".join(
        f"    {kind}_temp_path {root}/{kind}_temp;"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    access = f"{root}/access.log" if access_log else "off"
    return f"""{user}worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections {worker_connections}; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {access};
    sendfile on;
{temp}
{http_extra}
    include {site_conf};
}}
"""


@contextlib.contextmanager
def nginx(root: Path, site_dir: Path, app_port: int, port: int | None = None,
          worker_connections: int = 64, access_log: bool = True, tls: bool = False,
          http_extra: str = "") -> Iterator[int]:
    """nginx in the foreground serving site_dir and proxying the forms to HOST:app_port, its
    files under `root` (checked with `nginx -t` first); yields the port it listens on.

    tls: HTTPS only, with a self-signed certificate for 127.0.0.1 (root/cert.pem), as an
    operator adds TLS: `ssl` on the listen line, the certificate in the http block.
    http_extra: more directives for the http block."""
    port = port or free_port()
    error_pages = write_error_pages(root / "error-pages")
    listen = f"{HOST}:{port}"
    if tls:
        cert, key = self_signed_certificate(root)
        listen += " ssl"
        http_extra += f"\n    ssl_certificate {cert};\n    ssl_certificate_key {key};"
    site_conf = root / "duo.conf"
    site_conf.write_text(
        nginx_site_config(site_dir, f"{HOST}:{app_port}", listen, error_pages)
    )
    conf = root / "nginx.conf"
    conf.write_text(
        nginx_main_config(root, site_conf, worker_connections, access_log, http_extra)
    )
    check = subprocess.run([str(NGINX), "-t", "-p", str(root), "-c", str(conf)],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t rejects {conf}:\n{check.stderr}")
    log = root / "nginx.out"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(NGINX), "-p", str(root), "-c", str(conf), "-g", "daemon off;"],
            stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        if tls:
            context = ssl.create_default_context(cafile=str(root / "cert.pem"))
            wait_for_http(f"https://{HOST}:{port}/", process, log, context=context)
        else:
            wait_for_http(f"http://{HOST}:{port}/", process, log)
        yield port
    finally:
        stop(process)


def require_nginx() -> None:
    """A failure, never a skip, when nginx is missing."""
    if not NGINX.is_file():
        import pytest  # here only: the benchmarks use this module without pytest

        pytest.fail(f"nginx is missing ({NGINX}): install Debian's nginx package "
                    "(make test does it).", pytrace=False)


# -- gunicorn -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Gunicorn:
    port: int
    process: subprocess.Popen
    log: Path
    env: dict[str, str]

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"


@contextlib.contextmanager
def gunicorn_service(root: Path, config: dict[str, str], workers: int = 2,
                     upgrade: bool = True, ready_path: str = "/fr/apply/mentor/",
                     timeout: float = 90.0) -> Iterator[Gunicorn]:
    """The service as production runs it: `flask db upgrade` (unless the caller made the
    schema), then gunicorn with deploy/gunicorn.conf.py and `workers` workers on a free
    loopback port, its output in root/gunicorn.log. `config` adds FLASK_* (and GUNICORN_*)
    variables to this environment, without its mail server unless `config` names one."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "FLASK_MAIL_SERVER"}
    env.update({"GUNICORN_BIND": f"{HOST}:{port}", "GUNICORN_WORKERS": str(workers), **config})
    if upgrade:
        subprocess.run([str(BIN / "flask"), "--app", "forms_service", "db", "upgrade"],
                       cwd=PROJECT, env=env, check=True, capture_output=True, timeout=120)
    log = root / "gunicorn.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(PROJECT / "deploy" / "gunicorn.conf.py"),
             "forms_service:create_app()"],
            cwd=PROJECT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        wait_for_http(f"http://{HOST}:{port}{ready_path}", process, log, timeout=timeout)
        yield Gunicorn(port, process, log, env)
    finally:
        stop(process)
