"""Real servers on 127.0.0.1 for the benchmarks: gunicorn, nginx, PostgreSQL, aiosmtpd.

Every server binds to loopback on a free port, runs in its own temporary folder and is
stopped (by its own pid) when its context manager exits.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args!r} exited with {proc.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {HOST}:{port} after {timeout} s")


def wait_for_http(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: good enough
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer after {timeout} s")


def stop(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """SIGTERM, then SIGKILL; only this process (and its own group when it leads one)."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def service_env(database_url: str, site_dir: Path | str, **extra: str) -> dict[str, str]:
    """The service's configuration, as an operator sets it: FLASK_* variables."""
    env = dict(os.environ)
    env.update(
        FLASK_SECRET_KEY="bench-secret-not-for-production",
        FLASK_DATABASE_URL=database_url,
        FLASK_SITE_DIR=str(site_dir),
        # The per-IP limit would turn a load test from one address into 429s; keep the
        # limiter in the path (its cost is measured) with a limit that a run cannot reach.
        FLASK_APPLY_RATE_LIMIT="100000000 per minute",
        NO_MKDOCS_2_WARNING="1",
        PYTHONPATH=os.pathsep.join([str(BENCH_DIR), str(ROOT)]),
    )
    env.pop("FLASK_MAIL_SERVER", None)
    env.update(extra)
    return env


def db_upgrade(env: dict[str, str]) -> None:
    subprocess.run(
        [str(BIN / "flask"), "--app", "forms_service", "db", "upgrade"],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True,
    )


@contextlib.contextmanager
def gunicorn(
    env: dict[str, str], workers: int = 2, log: Path | None = None, access: Path | None = None
) -> Iterator[int]:
    """gunicorn with sync workers on the benchmark app (the service plus a trivial route).
    `access` gets one line per request: method, path, status, microseconds spent in gunicorn."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    timing = ["--access-logfile", str(access), "--access-logformat", "%(m)s %(U)s %(s)s %(D)s"]
    proc = subprocess.Popen(
        [str(BIN / "gunicorn"), "--bind", f"{HOST}:{port}", "--workers", str(workers),
         "--worker-class", "sync", "--log-level", "warning", *(timing if access else []),
         "bench_app:create_app()"],
        env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, proc=proc)
        wait_for_http(f"http://{HOST}:{port}/bench/trivial")
        yield port
    finally:
        stop(proc)
        if log:
            out.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def outbox_worker(env: dict[str, str], interval: float = 1.0) -> Iterator[subprocess.Popen]:
    """The outbox sender beside gunicorn, as `make serve` runs it."""
    proc = subprocess.Popen(
        [str(BIN / "flask"), "--app", "forms_service", "outbox", "worker",
         "--interval", str(interval)],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        yield proc
    finally:
        stop(proc)


@contextlib.contextmanager
def smtp_sink(port: int | None = None) -> Iterator[int]:
    """aiosmtpd on loopback that accepts and drops every message."""
    port = port or free_port()
    proc = subprocess.Popen(
        [str(BIN / "aiosmtpd"), "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"{HOST}:{port}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc=proc)
        yield port
    finally:
        stop(proc)


NGINX_FALLBACK = """
server {
    listen ${LISTEN};
    root ${SITE_DIR};
    index index.html;
    gzip on;
    gzip_comp_level 6;
    gzip_min_length 512;
    gzip_proxied any;
    gzip_types text/css application/javascript application/json image/svg+xml text/xml
               application/xml text/plain;
    location ~ ^/(fr|nl|en)/apply/ {
        proxy_pass http://${APP_UPSTREAM};
        proxy_set_header Host $host;
    }
    location / { try_files $uri $uri/ =404; }
}
"""


def nginx_site_config(site_dir: Path, app_port: int, listen: str) -> tuple[str, str]:
    """The project's deploy/ config when there is one (as production), else a minimal one."""
    template = ROOT / "deploy" / "nginx.conf.template"
    source = "deploy/nginx.conf.template"
    if not template.is_file():
        text, source = NGINX_FALLBACK, "benchmarks/servers.py (no deploy/nginx.conf.template)"
    else:
        text = template.read_text()
    for name, value in {
        "SITE_DIR": str(site_dir), "APP_UPSTREAM": f"{HOST}:{app_port}", "LISTEN": listen,
    }.items():
        text = text.replace("${" + name + "}", value)
    return text, source


@contextlib.contextmanager
def nginx(site_dir: Path, app_port: int) -> Iterator[tuple[int, str]]:
    """nginx serving site_dir with gzip and proxying the forms to gunicorn."""
    exe = shutil.which("nginx") or "/usr/sbin/nginx"
    port = free_port()
    prefix = Path(tempfile.mkdtemp(prefix="duo-bench-nginx-"))
    site_conf, source = nginx_site_config(site_dir, app_port, f"{HOST}:{port}")
    (prefix / "duo.conf").write_text(site_conf)
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    # As root, workers would drop to "nobody" and could not read a private temp folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (prefix / "nginx.conf").write_text(
        f"{user}worker_processes 1;\npid {prefix}/nginx.pid;\nerror_log {prefix}/error.log;\n"
        "events { worker_connections 512; }\n"
        "http {\n    include /etc/nginx/mime.types;\n"
        "    default_type application/octet-stream;\n    access_log off;\n    sendfile on;\n"
        f"{temp_paths}\n    include {prefix}/duo.conf;\n}}\n"
    )
    proc = subprocess.Popen(
        [exe, "-p", str(prefix), "-c", str(prefix / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        wait_for_port(port, proc=proc)
        yield port, source
    finally:
        stop(proc)
        shutil.rmtree(prefix, ignore_errors=True)


def pg_bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


class Postgres:
    """A throwaway cluster (initdb + pg_ctl) on loopback; as root it runs as user postgres.

    Default durability settings (fsync on): the figures are those of a real server.
    """

    def __init__(self) -> None:
        bin_dir = pg_bin_dir()
        if bin_dir is None:
            raise RuntimeError(
                "PostgreSQL is not installed: run ./deploy/install-system-packages.sh as root"
            )
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="duo-bench-pg-"))
        self.data = self.root / "data"
        self.port = free_port()

    def _run(self, *args: str) -> None:
        cmd = list(args)
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]  # PostgreSQL refuses root
        subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=self.root)

    def start(self) -> str:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres",
            "-E", "UTF8", "--no-sync", "--locale=C.UTF-8",
        )
        options = f"-p {self.port} -k {self.root} -c listen_addresses={HOST}"
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.root / "server.log"), "-w", "start",
        )
        return f"postgresql://postgres@{HOST}:{self.port}/postgres"

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
