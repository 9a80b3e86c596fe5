"""Signed links in e-mails (cancel or move a booking) with itsdangerous: one salt per
purpose, a version so that a used or superseded link stops working, an age limit."""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("cancel", "move", "view")
# A link works until well after any session it can be about.
MAX_AGE_SECONDS = 120 * 24 * 3600


class LinkExpired(ValueError):
    """Signed by us, but too old."""


class LinkInvalid(ValueError):
    """Not signed by us, for another purpose, or altered."""


class LinkUsed(ValueError):
    """Signed by us, but the booking has moved on since (used, superseded, cancelled)."""


@dataclass(frozen=True)
class LinkData:
    booking_id: int
    version: int


def _serializer(secret: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown purpose {purpose!r}")
    return URLSafeTimedSerializer(secret, salt=f"booking-{purpose}")


def make(secret: str, purpose: str, booking_id: int, version: int) -> str:
    return _serializer(secret, purpose).dumps([booking_id, version])


def read(
    secret: str, purpose: str, token: str, current_version: int | None = None,
    max_age: int = MAX_AGE_SECONDS,
) -> LinkData:
    """The booking a token is about; `current_version` (the booking's) rejects old links."""
    serializer = _serializer(secret, purpose)  # an unknown purpose is our error, not the link's
    try:
        booking_id, version = serializer.loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkExpired(token) from None
    except (BadSignature, ValueError, TypeError):
        raise LinkInvalid(token) from None
    if not isinstance(booking_id, int) or not isinstance(version, int):
        raise LinkInvalid(token)
    if current_version is not None and version != current_version:
        raise LinkUsed(token)
    return LinkData(booking_id, version)
