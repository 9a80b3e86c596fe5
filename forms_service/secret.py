"""The key that signs sessions and CSRF tokens when FLASK_SECRET_KEY is not set.

A fixed default would be public and let anyone forge tokens; instead a random key is made
once in the instance folder and shared by every worker on the machine. Several machines
must share one key: set FLASK_SECRET_KEY there.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def instance_secret_key(instance_path: str | Path) -> str:
    """Read instance/secret_key, creating it (readable by its owner only) the first time."""
    path = Path(instance_path) / "secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass  # made earlier, or by another worker starting at the same moment
    else:
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it, or set FLASK_SECRET_KEY")
    return key
