#!/usr/bin/env bash
# `make serve`: the built site and the application service on one port, with gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
# gunicorn is reached directly here, with no proxy in front: trust no X-Forwarded-For.
export FLASK_PROXY_HOPS=${FLASK_PROXY_HOPS:-0}

# The schema first (Alembic), so the workers never race to create it.
"$BIN/flask" --app forms_service db upgrade

# The outbox sender runs beside the web server: it delivers e-mail when FLASK_MAIL_SERVER is
# set and otherwise logs that messages wait. It stops when this script stops.
"$BIN/flask" --app forms_service outbox worker --interval "${OUTBOX_INTERVAL:-10}" &
WORKER_PID=$!

echo "Serving the site and the application service on http://$HOST:$PORT/"
# No nginx in front to read requests whole: threads, so a client sending slowly holds one
# thread, not a worker (2 workers x 8 threads; gthread also sets aside a connection that
# sends nothing).
GUNICORN_BIND="$HOST:$PORT" GUNICORN_WORKERS=${GUNICORN_WORKERS:-2} \
  GUNICORN_THREADS=${GUNICORN_THREADS:-8} \
  "$BIN/gunicorn" -c deploy/gunicorn.conf.py 'forms_service:create_app()' &
GUNICORN_PID=$!

# Ctrl-C, or a TERM sent to this script alone, stops both. bash runs a trap only between
# commands, so gunicorn runs in the background and the script waits for it.
trap 'kill "$GUNICORN_PID" "$WORKER_PID" 2>/dev/null || true' EXIT INT TERM
wait "$GUNICORN_PID"
