"""MI/admin pages. Views live in one module per job and register on this blueprint."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from tep_app.admin import accounts, home, messaging  # noqa: E402,F401
