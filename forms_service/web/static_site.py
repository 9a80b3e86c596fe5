"""Serves the built site (site/) from the same process, for `make serve` and tests.

In production nginx serves site/ directly (deploy/nginx.conf); this keeps one port locally.
WhiteNoise serves the files; a miss falls through to Flask, which answers with the 404 page
of the language the path belongs to.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, request
from whitenoise import WhiteNoise

from forms_service.web.security import HEADERS
from sitedata.urls import language_of_path, page_path


def not_found_page(site_dir: Path, path: str) -> Path | None:
    page = site_dir / page_path(language_of_path(path), "404.html")
    return page if page.is_file() else None


def init_app(app: Flask) -> None:
    site_dir = Path(app.config["SITE_DIR"])
    if not site_dir.is_dir():
        return
    def site_headers(headers, path: str, url: str) -> None:  # type: ignore[no-untyped-def]
        """The headers nginx sends with the site in production (deploy/nginx.conf.template)."""
        for name, value in HEADERS.items():
            headers.setdefault(name, value)

    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(site_dir),
        index_file=True,
        autorefresh=app.debug,
        add_headers_function=site_headers,
    )

    @app.errorhandler(404)
    def site_not_found(error: Exception) -> Response:
        page = not_found_page(site_dir, request.path)
        if page is None:
            return Response("Not found", status=404, mimetype="text/plain")
        return Response(page.read_bytes(), status=404, mimetype="text/html")
