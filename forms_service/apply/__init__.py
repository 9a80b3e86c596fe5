"""The `apply` blueprint: /<lang>/apply/<kind>/ and its thank-you page."""

from flask import Blueprint

bp = Blueprint("apply", __name__)

# The form views and the language switch of a form register themselves on bp.
from forms_service.apply import language, routes  # noqa: E402,F401
