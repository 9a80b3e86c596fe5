"""Serves the built site (site/) from the same process, for `make serve` and tests.

In production nginx serves site/ directly (deploy/nginx.conf); this keeps one port locally.
WhiteNoise serves the files; a miss falls through to Flask, which answers with the 404 page
of the language the path belongs to. `make build` writes a .br and a .gz beside each text
file (`python -m whitenoise.compress site`), and WhiteNoise sends the one the browser
accepts, with Content-Encoding.
"""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask, Response, redirect, request
from whitenoise import WhiteNoise

from forms_service.web.security import HEADERS
from sitedata.urls import french_redirect, language_of_path, page_path, site_page_exists

# Material's fingerprinted files (assets/stylesheets/main.<hash>.min.css,
# assets/javascripts/bundle.<hash>.min.js, their source maps): a change gives a new name, so
# a browser may keep them for a year without asking again.
HASHED_ASSET = re.compile(r"^/assets/.+\.[0-9a-f]{8}\.min\.(?:css|js)(?:\.map)?$")
IMMUTABLE = "max-age=31536000, immutable"
# Pages keep their URL from one build to the next: the browser asks each time (a 304 when
# unchanged), so a rebuilt site shows at once.
PAGE_CACHE = "no-cache"


def is_hashed_asset(path: str, url: str) -> bool:
    return bool(HASHED_ASSET.match(url))


def site_headers(headers, path: str, url: str) -> None:  # type: ignore[no-untyped-def]
    """The headers nginx sends with the site in production (deploy/nginx.conf.template), and
    how long a browser may keep each file (WhiteNoise's default, 60 s, for the rest)."""
    for name, value in HEADERS.items():
        headers.setdefault(name, value)
    if is_hashed_asset(path, url):
        headers["Cache-Control"] = IMMUTABLE  # one year, not WhiteNoise's ten
    elif path.endswith(".html"):
        headers["Cache-Control"] = PAGE_CACHE


def not_found_page(site_dir: Path, path: str) -> Path | None:
    page = site_dir / page_path(language_of_path(path), "404.html")
    return page if page.is_file() else None


def init_app(app: Flask) -> None:
    site_dir = Path(app.config["SITE_DIR"])
    if not site_dir.is_dir():
        return
    app.wsgi_app = WhiteNoise(  # type: ignore[method-assign]
        app.wsgi_app,
        root=str(site_dir),
        index_file=True,
        autorefresh=app.debug,
        add_headers_function=site_headers,
        immutable_file_test=is_hashed_asset,
    )

    page_exists = site_page_exists(site_dir)

    @app.before_request
    def french_without_prefix() -> Response | None:
        """/fr/<page> is moved for good to /<page> (French pages have no prefix); the
        service's own /fr/… URLs are no site pages and pass."""
        target = french_redirect(request.path, page_exists)
        if target is None:
            return None
        query = request.query_string.decode("latin-1")
        return redirect(target + ("?" + query if query else ""), 301)

    @app.errorhandler(404)
    def site_not_found(error: Exception) -> Response:
        page = not_found_page(site_dir, request.path)
        if page is None:
            return Response("Not found", status=404, mimetype="text/plain")
        return Response(page.read_bytes(), status=404, mimetype="text/html")
