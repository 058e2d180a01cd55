"""The cases blueprint: the officer's queue and case page (routes) and managers' pages (manage)."""
from flask import Blueprint

bp = Blueprint("cases", __name__, url_prefix="/cases")
