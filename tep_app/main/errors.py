"""Error pages in the GOV.UK style: a plain message and nothing more."""
from flask import render_template, request
from flask_wtf.csrf import CSRFError

from tep_app.extensions import db

MESSAGES = {
    400: ("Sorry, there is a problem with the request", "Go back and try again."),
    401: ("You need to sign in to see this page", "Open the link from your email again to confirm who you are."),
    403: ("You do not have permission to see this page", "If you think you should, speak to your TEP manager."),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Sorry, there is a problem with the request", "Go back and try again."),
    413: ("The file is too large", "Files must be smaller than 50 MB."),
    429: ("Too many attempts", "Wait a few minutes, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: ("Sorry, the service is busy", "Nothing was changed. Wait a few seconds, then try again."),
}


# A body past the limit is read to its end (up to this much) before the answer goes back. The proxy
# in front (docs/deploy/nginx.conf lets a body just past the limit through) is still sending it:
# answered with the rest unread, the server closes the connection under it, and the proxy may
# report its own failure (502) instead of this page.
DRAIN_MOST = 64 * 1024 * 1024


def _read_to_the_end() -> None:
    stream = request.environ.get("wsgi.input")
    left = request.content_length or 0
    if stream is None or not 0 < left <= DRAIN_MOST:
        return
    while left > 0:
        chunk = stream.read(min(left, 1 << 20))
        if not chunk:
            return
        left -= len(chunk)


def too_large(_error):
    _read_to_the_end()
    return render_error(413)


def render_error(code: int, heading: str | None = None, body: str | None = None):
    if code >= 500:
        # The failure may have left the session unusable (a write refused at flush expires all it
        # loaded, the signed-in user too): start afresh, so the page can be drawn.
        db.session.rollback()
    default_heading, default_body = MESSAGES.get(code, MESSAGES[500])
    return render_template(
        "errors/error.html", heading=heading or default_heading, body=body or default_body
    ), code


def register_error_pages(app) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: render_error(code))
    app.register_error_handler(413, too_large)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        app.logger.warning("csrf failure", extra={"path": request.path})
        return render_error(400, "Your form timed out", "Go back, reload the page and try again. Nothing was saved.")
