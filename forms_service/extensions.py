"""Extension objects, created once here and bound to an app in create_app (flaskr style)."""

from __future__ import annotations

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_wtf.csrf import CSRFProtect

from forms_service.db import Database

db = Database()
mail = Mail()
csrf = CSRFProtect()
babel = Babel()
# In-memory limits per process; several instances would point RATELIMIT_STORAGE_URI at Redis.
limiter = Limiter(key_func=get_remote_address, default_limits=[], storage_uri="memory://")
