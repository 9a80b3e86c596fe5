"""The `staff` blueprint: the branch workspace under /staff/ (queue, applications, dashboard,
accounts, audit log). Every view needs a signed-in member of staff with two factors; the
branch scope is applied in services.workspace, never here."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The views register themselves on bp.
from forms_service.staff import routes, sessions  # noqa: E402,F401
