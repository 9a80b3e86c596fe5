"""Application references and submission tokens."""

from __future__ import annotations

import re
import secrets

# No 0/O, 1/I/L, 5/S, 8/B: a reference read out on the phone cannot be misheard.
REFERENCE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY234679"
REFERENCE_LENGTH = 6
REFERENCE_PREFIX = "DUO-"
# What a submission token this service wrote looks like (the column holds 64 characters).
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_reference() -> str:
    return REFERENCE_PREFIX + "".join(
        secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH)
    )


def new_submission_token() -> str:
    return secrets.token_urlsafe(24)


def usable_token(token: str | None) -> str:
    """The form's token when this service could have written it, else a fresh one."""
    return token if token and TOKEN_SHAPE.fullmatch(token) else new_submission_token()
