"""Entry point for gunicorn: `gunicorn wsgi:app`."""
from tep_app import create_app

app = create_app()
