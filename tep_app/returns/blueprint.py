"""The returns blueprint (the files the county sends to the DfE), on which each of its page modules
registers its views."""
from flask import Blueprint

bp = Blueprint("returns", __name__, url_prefix="/returns")
