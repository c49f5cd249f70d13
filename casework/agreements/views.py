"""Agreement pages, under /cases/<reference>/agreement…; they arrive with the agreement module."""
from flask import Blueprint

bp = Blueprint("agreements", __name__)
