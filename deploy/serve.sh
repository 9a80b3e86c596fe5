#!/usr/bin/env bash
# `make serve`: the built site and the application service on one port, with gunicorn.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}

echo "Serving the site and the application service on http://$HOST:$PORT/"
exec "$BIN/gunicorn" --bind "$HOST:$PORT" --workers 2 --access-logfile - 'forms_service:create_app()'
