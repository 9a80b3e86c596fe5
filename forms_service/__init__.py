"""DUO for a JOB application service: a Flask app factory (flaskr style)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from forms_service import static_site

PROJECT_DIR = Path(__file__).resolve().parent.parent


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the WSGI app; configuration from FLASK_* environment variables."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY="dev-only-not-secret",
        SITE_DIR=str(PROJECT_DIR / "site"),
    )
    if test_config is None:
        app.config.from_prefixed_env()
    else:
        app.config.from_mapping(test_config)
    os.makedirs(app.instance_path, exist_ok=True)

    static_site.init_app(app)
    return app
