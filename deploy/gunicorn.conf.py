"""gunicorn settings for production.

Run: gunicorn -c deploy/gunicorn.conf.py 'forms_service:create_app()'
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
# Forms are I/O-light and the outbox is a separate process: one worker per core plus one.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = 30
graceful_timeout = 20
# Recycle workers now and then, so a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# Trust X-Forwarded-* only from the local nginx (the app also applies ProxyFix for one hop).
forwarded_allow_ips = "127.0.0.1"
accesslog = "-"
# No query strings or bodies in the log: requests carry personal data only in POST bodies.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
# gunicorn 24+ opens a control socket at one fixed path per user ($HOME/.gunicorn/gunicorn.ctl):
# two instances on one machine would take it from each other. Nothing here uses it.
control_socket_disable = True
