"""Security headers on every response, with a per-request nonce for the one inline script."""
import secrets

from flask import g


def make_nonce() -> None:
    g.csp_nonce = secrets.token_urlsafe(16)


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
