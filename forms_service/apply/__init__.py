"""The `apply` blueprint: /<lang>/apply/<kind>/ and its thank-you page."""

from flask import Blueprint

bp = Blueprint("apply", __name__)

from forms_service.apply import routes  # noqa: E402,F401  (registers the views on bp)
