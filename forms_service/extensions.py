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
# The storage comes from RATELIMIT_STORAGE_URI (memory:// by default, Redis for several
# instances); a storage_uri given here would silently win over the configuration.
limiter = Limiter(key_func=get_remote_address, default_limits=[])
