"""The four ways to get involved, and the address of each one's form. Used by the site's
calls to action and by the service's routes, so both agree on every URL."""

from __future__ import annotations

from sitedata.urls import LANGUAGES

KINDS: tuple[str, ...] = ("mentor", "mentee", "partner", "volunteer")
# Mentors and mentees go through the programme (eligibility, information sessions);
# partners and volunteers write in.
PROGRAMME_KINDS: tuple[str, ...] = ("mentor", "mentee")


def apply_url(kind: str, lang: str, branch: str | None = None) -> str:
    """The service's form for `kind` in `lang`; the service's URLs always carry the language."""
    if kind not in KINDS:
        raise ValueError(f"unknown application kind {kind!r}; one of {KINDS}")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {LANGUAGES}")
    url = f"/{lang}/apply/{kind}/"
    return f"{url}?branch={branch}" if branch else url


def sessions_url(lang: str, branch: str | None = None) -> str:
    """The service's list of upcoming information sessions, optionally of one branch."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; one of {LANGUAGES}")
    url = f"/{lang}/sessions/"
    return f"{url}?branch={branch}" if branch else url
