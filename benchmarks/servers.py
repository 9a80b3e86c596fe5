"""Real servers on 127.0.0.1 for the benchmarks: gunicorn, nginx, PostgreSQL, aiosmtpd.

Every server binds to loopback on a free port, runs in its own temporary folder and is
stopped (by its own pid) when its context manager exits.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
BIN = Path(sys.executable).parent
# The benchmarks start, wait for and stop their servers with the same helpers as the tests
# (tests/localservers.py), so both run PostgreSQL and nginx the same way.
sys.path.append(str(ROOT / "tests"))

import localservers  # noqa: E402
from localservers import (  # noqa: E402
    HOST,
    PostgresCluster,
    free_port,
    stop,
    wait_for_http,
    wait_for_port,
)


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
        wait_for_http(f"http://{HOST}:{port}/bench/trivial", proc, log)
        yield port
    finally:
        stop(proc)
        if log:
            out.close()  # type: ignore[union-attr]


@contextlib.contextmanager
def make_serve(env: dict[str, str], log: Path | None = None) -> Iterator[int]:
    """The site and the service as `make serve` runs them, on a free port: deploy/serve.sh
    (migrations, the outbox worker, gunicorn answering the forms and the built site at
    FLASK_SITE_DIR). Only the build step of `make serve` is left out: the caller built it."""
    port = free_port()
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        ["bash", str(ROOT / "deploy" / "serve.sh")],
        env={**env, "PORT": str(port), "HOST": HOST, "BIN": str(BIN)}, cwd=ROOT,
        stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
    )
    try:
        wait_for_http(f"http://{HOST}:{port}/", proc, log, timeout=60)
        yield port
    finally:
        stop(proc)  # serve.sh stops gunicorn and the worker when it gets TERM
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # whatever of its own group is still there
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
        wait_for_port(port, proc)
        yield port
    finally:
        stop(proc)


@contextlib.contextmanager
def nginx(site_dir: Path, app_port: int) -> Iterator[int]:
    """nginx with deploy/nginx.conf.template (as production) serving site_dir with gzip and
    proxying the forms to gunicorn; no access log (its cost is not the site's)."""
    root = Path(tempfile.mkdtemp(prefix="duo-bench-nginx-"))
    try:
        with localservers.nginx(
            root, site_dir, app_port, worker_connections=512, access_log=False
        ) as port:
            yield port
    finally:
        shutil.rmtree(root, ignore_errors=True)


def postgres() -> PostgresCluster:
    """A throwaway cluster with PostgreSQL's default durability settings (fsync on): the
    figures are those of a real server."""
    return PostgresCluster(durable=True)
