"""DUO for a JOB application service: the app factory (flaskr style). It only wires the
parts together; each part's `init_app` says what it adds."""

from __future__ import annotations

from typing import Any

from flask import Flask

from forms_service import cli, config, extensions
from forms_service.apply import bp as apply_bp
from forms_service.sessions import bp as sessions_bp
from forms_service.staff import auth as staff_auth
from forms_service.staff import bp as staff_bp
from forms_service.web import errors, pages, security, static_site


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the WSGI app; configuration from FLASK_* environment variables."""
    app = Flask(__name__, instance_relative_config=True, static_url_path="/forms-static")
    config.configure(app, test_config)
    extensions.init_app(app)
    errors.init_app(app)
    pages.init_app(app)
    cli.init_app(app)
    app.register_blueprint(apply_bp)
    app.register_blueprint(sessions_bp)
    staff_auth.init_app(app)  # Flask-Security-Too: sign-in, two factors, under /staff/
    app.register_blueprint(staff_bp)
    security.init_app(app)  # headers, cookies, ProxyFix, the 405 and 429 pages
    static_site.init_app(app)  # last: the built site answers what Flask does not
    return app
