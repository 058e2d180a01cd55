"""Security headers on every response, with a per-request nonce for the one inline script; the CSRF
check for the views that make it themselves."""
import secrets

from flask import current_app, g

from tep_app.extensions import csrf


def make_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


def check_csrf() -> None:
    """The check CSRFProtect makes before every POST (token, and over HTTPS a same-site Referer), for
    a view exempt from it that checks only when there is something to protect. Raises CSRFError."""
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


def add_security_headers(response):
    nonce = getattr(g, "csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    # A POST over HTTPS must carry a same-origin Referer (Flask-WTF's strict check, kept on): send the
    # address to the site itself, never to another site (a school link's token is in its address).
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if response.mimetype == "text/html" or "private" in response.headers.get("Cache-Control", ""):
        response.headers["Cache-Control"] = "no-store"
    return response
