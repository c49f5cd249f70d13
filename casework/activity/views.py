"""Field activity pages."""
from flask import Blueprint

from . import models  # noqa: F401  (the tables must be known to create_all and Alembic)

bp = Blueprint("activity", __name__)
