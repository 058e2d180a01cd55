"""The people blueprint, on which each of its page modules registers its views."""
from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")
