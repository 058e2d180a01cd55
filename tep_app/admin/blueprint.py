"""The MI/admin blueprint, on which each of its page modules registers its views."""
from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
