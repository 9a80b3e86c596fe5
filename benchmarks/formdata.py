"""The form data a benchmark sends: hidden fields read from the page, valid answers.

Kept apart from load.py, which imports locust (and so gevent's monkey-patching).
"""

from __future__ import annotations

import re

HIDDEN_INPUT = re.compile(r"<input\b[^>]*\btype=\"hidden\"[^>]*>")
ATTR = re.compile(r'\b(name|value)="([^"]*)"')


def hidden_fields(html: str) -> dict[str, str]:
    """Every hidden input (csrf_token, submission_token…), whatever its attribute order."""
    fields = {}
    for tag in HIDDEN_INPUT.findall(html):
        attrs = dict(ATTR.findall(tag))
        if "name" in attrs:
            fields[attrs["name"]] = attrs.get("value", "")
    return fields


def mentor_answers(n: int) -> list[tuple[str, str]]:
    """A valid mentor application; the e-mail differs per submission, as applicants do."""
    return [
        ("first_name", "Marie-Claire"), ("last_name", "Dubois"),
        ("email", f"bench{n}@example.org"), ("phone", "0470 12 34 56"), ("country", "BE"),
        ("postcode", "2000"), ("birth_year", "1960"), ("sector", "Logistique"),
        ("languages", "fr"), ("languages", "nl"), ("availability", "weekday_daytime"),
        ("heard_from", "friend"), ("consent", "y"),
    ]
