"""The `sessions` blueprint: /<lang>/sessions/ (upcoming information sessions, by branch),
booking, and the signed no-account links to cancel or move a booking. No JavaScript needed."""

from flask import Blueprint

bp = Blueprint("sessions", __name__)

from forms_service.sessions import routes  # noqa: E402,F401  (registers the views on bp)
