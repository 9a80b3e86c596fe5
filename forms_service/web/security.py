"""Security headers, cookie settings, the reverse proxy, and the 405 and 429 pages.

Behind one proxy (nginx, deploy/) the app trusts exactly one hop of X-Forwarded-For,
-Proto and -Host (ProxyFix): the rate limits key on the visitor's address, HTTPS requests
are seen as HTTPS (HSTS, Secure cookies, Flask-WTF's same-origin Referer check), and the
host is the public one, with its port when it has one (nginx passes $http_host: behind
https://example.org:8443 the Referer check compares example.org:8443 with example.org:8443).
FLASK_PROXY_HOPS=0 when nothing sits in front of the service (a client could otherwise
choose its own address for the rate limits).

The session cookie (it holds the CSRF token; Flask-WTF sets no cookie of its own) is
HttpOnly and SameSite=Lax, and Secure whenever the request came over HTTPS. Flask's
SESSION_COOKIE_SECURE is static, so it is decided per request here; setting
FLASK_SESSION_COOKIE_SECURE=true forces it on every response (production behind HTTPS).
"""

from __future__ import annotations

import ipaddress
import time

from flask import Flask, Response, render_template, request
from flask.sessions import SecureCookieSessionInterface
from flask_babel import force_locale
from werkzeug.exceptions import MethodNotAllowed, TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

from forms_service.extensions import limiter
from sitedata.urls import language_of_path

# No inline script or style anywhere in the service's templates: nothing needs 'unsafe-inline'.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
])
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Same-origin requests keep the full Referer, which Flask-WTF checks on HTTPS POSTs.
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}
# As the site's nginx configuration sends it.
HSTS = "max-age=31536000; includeSubDomains"


class PerRequestSecureSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session whose Secure flag follows the request's scheme."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def add_security_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint != "static":
        # Pages may hold what a person typed (a form sent back with errors): never cached.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def method_not_allowed(error: MethodNotAllowed):  # type: ignore[no-untyped-def]
    """PUT, DELETE … on a form: a page in the URL's language, with the Allow header."""
    lang = language_of_path(request.path)
    with force_locale(lang):  # no view arguments here: the locale selector cannot tell
        page = render_template("apply/not_allowed.html", lang=lang, kind=None)
    response = Response(page, 405)
    response.headers["Allow"] = ", ".join(error.valid_methods or ["GET", "POST"])
    return response


def visitor_key() -> str:
    """Whom the rate limits count: the visitor's address, or for IPv6 its /64 (a home or a
    phone network gets a whole /64 and may take any address in it)."""
    address = request.remote_addr or ""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


# When the limit's window is unknown (it always is known with Flask-Limiter).
DEFAULT_RETRY_AFTER = 60


def too_many_requests(error: TooManyRequests):  # type: ignore[no-untyped-def]
    """A flood from one address: a page in the URL's language that repeats nothing sent,
    and when to try again."""
    lang = language_of_path(request.path)
    with force_locale(lang):
        page = render_template("apply/too_many.html", lang=lang, kind=None)
    limit = limiter.current_limit
    wait = int(limit.reset_at - time.time()) if limit is not None else DEFAULT_RETRY_AFTER
    return page, 429, {"Retry-After": str(max(1, wait))}


def init_app(app: Flask) -> None:
    app.session_interface = PerRequestSecureSessionInterface()
    hops = int(app.config["PROXY_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops
        )
    app.after_request(add_security_headers)
    app.register_error_handler(MethodNotAllowed, method_not_allowed)
    app.register_error_handler(TooManyRequests, too_many_requests)
