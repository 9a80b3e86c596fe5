"""When two applications are probably the same person: keys compared at submission.

Two applications are linked when any key matches: the e-mail address (case-folded, with an
internationalised domain in its ASCII form), the phone number (E.164), or the name with the
birth year (accents, case and spacing ignored). Nothing is merged: staff decide.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from forms_service.domain.text import normalise_phone


def email_key(email: str | None) -> str | None:
    """'Ana@Exämple.org' and 'ana@xn--exmple-cua.org' give the same key."""
    if not email or "@" not in email:
        return None
    local, _, domain = email.strip().rpartition("@")
    domain = domain.rstrip(".").casefold()
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        pass  # already ASCII, or not encodable: compared as typed
    return f"{local.casefold()}@{domain}"


def phone_key(phone: str | None, country: str | None = None) -> str | None:
    if not phone:
        return None
    return normalise_phone(phone, country or "BE") or None


def phone_keys(phone: str | None, countries: Iterable[str]) -> set[str]:
    """Every key a typed number can stand for: one for an international number ("+33 6…",
    "0033 6…"), one per country for a national one ("06…" in France, "0470…" in Belgium)."""
    return {key for country in countries if (key := phone_key(phone, country))}


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: 'Élodie  DUBOIS' -> 'elodie dubois'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.replace("-", " ").replace("'", " ").replace("’", " ").split())


def name_key(answers: Mapping[str, Any]) -> str | None:
    """The folded full name and the birth year; None without both."""
    name = answers.get("contact_name") or " ".join(
        str(p) for p in (answers.get("first_name"), answers.get("last_name")) if p
    )
    year = str(answers.get("birth_year") or "").strip()
    if not name or not year:
        return None
    return f"{fold(str(name))}|{year}"


def keys_of(email: str | None, answers: Mapping[str, Any]) -> dict[str, str | None]:
    return {
        "email": email_key(email),
        "phone": phone_key(answers.get("phone"), answers.get("country")),
        "name": name_key(answers),
    }


def matching_keys(a: Mapping[str, str | None], b: Mapping[str, str | None]) -> list[str]:
    """Which keys two applications share: ['email', 'phone', 'name'] or fewer."""
    return [k for k in ("email", "phone", "name") if a.get(k) and a.get(k) == b.get(k)]
