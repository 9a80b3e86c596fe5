"""/fr/<page> answers 301 to /<page> (French pages have no prefix), under `make serve` (the
app serving the built site) and behind the real nginx; the service's own /fr/… URLs, other
languages and missing pages are not redirected."""

from __future__ import annotations

import urllib.error
import urllib.request

import pytest
from test_production import production  # noqa: F401  (nginx in front of gunicorn)

pytestmark = pytest.mark.e2e


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def answer(url: str) -> tuple[int, str | None]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers.get("Location")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location")


CASES = [
    ("/fr/impact/", 301, "/impact/"),
    ("/fr/how-it-works/?from=mail", 301, "/how-it-works/?from=mail"),
    ("/fr/branches/ghent/", 301, "/branches/ghent/"),
    ("/fr/", 301, "/"),
    ("/fr/apply/mentor/", 200, None),
    ("/fr/sessions/", 200, None),
    ("/fr/nl/impact/", 404, None),
    ("/fr/no-such-page/", 404, None),
]


def check(base: str) -> None:
    for path, status, location in CASES:
        got_status, got_location = answer(base + path)
        assert got_status == status, (path, got_status)
        if location is not None:
            assert got_location is not None and got_location.endswith(location), (path,
                                                                                  got_location)


def test_make_serve_moves_french_pages_to_their_address_without_prefix(base_url):
    check(base_url)


def test_nginx_moves_french_pages_to_their_address_without_prefix(production):  # noqa: F811
    check(str(production["base"]))
    status, location = answer(str(production["base"]) + "/fr")
    assert status == 301 and location.endswith("/")
