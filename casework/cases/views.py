"""Case pages. The routes arrive with the cases module (referral intake, list, case page)."""
from flask import Blueprint

bp = Blueprint("cases", __name__)
