"""The service as gunicorn runs it, plus one trivial route: the ceiling of the same app.

The route goes through the same WSGI stack (WhiteNoise, Flask, the extensions' request hooks)
and does no work, so a form's throughput divided by it is the cost of the form itself.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response

import forms_service

TRIVIAL_PATH = "/bench/trivial"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    app = forms_service.create_app(test_config)

    def trivial() -> Response:
        return Response("ok", mimetype="text/plain")

    app.add_url_rule(TRIVIAL_PATH, "bench_trivial", trivial)
    return app
