"""The `staff` blueprint: the branch workspace under /staff/ (queue, applications, dashboard,
accounts, audit log). Every view needs a signed-in member of staff with two factors; the
branch scope is applied in services.workspace, never here."""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from forms_service.staff import routes  # noqa: E402,F401  (registers the views on bp)
