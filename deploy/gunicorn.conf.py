"""gunicorn settings for production, and for `make serve` (deploy/serve.sh).

Run: gunicorn -c deploy/gunicorn.conf.py 'forms_service:create_app()'
"""

import multiprocessing
import os

from gunicorn.glogging import Logger

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Forms are I/O-light and the outbox is a separate process: one worker per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
# Behind nginx (production), which reads each request whole before passing it on, a worker
# per request is enough. Without a front (`make serve` sets GUNICORN_THREADS), a client that
# sends its request slowly would hold a whole worker: threads keep the others answering.
threads = int(os.environ.get("GUNICORN_THREADS", 1))
worker_class = "gthread" if threads > 1 else "sync"
timeout = 30
graceful_timeout = 20
# Recycle workers now and then, so a slow leak never grows (nginx keeps the rate-limit
# counts, which a recycled worker would lose).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = max_requests // 10
# Trust X-Forwarded-* only from the local nginx (the app also applies ProxyFix for one hop).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# No query strings or bodies in the log: requests carry personal data only in POST bodies.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# gunicorn 24+ opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl):
# two instances on one machine would take it from each other. Nothing here uses it.
control_socket_disable = True


def escaped(text: str) -> str:
    """Control characters, quotes and backslashes as \\xNN (or \\uNNNN): what a visitor puts in
    a path can neither start a forged log line nor colour a terminal."""
    return "".join(
        ch if ch.isprintable() and ch not in '\\"' else
        (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        for ch in text
    )


class EscapingLogger(Logger):
    """gunicorn's logger, with the path in the access log escaped: gunicorn writes the
    decoded path (%0a is a line break there, %1b an escape)."""

    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for name in ("U", "m"):
            atoms[name] = escaped(str(atoms.get(name, "")))
        return atoms


logger_class = EscapingLogger
