"""Checks on the wording of texts, as small pure functions that any test can use: on the
service's catalogue, its rendered pages and e-mails, and the site's pages alike.

- the Dutch register: the reader is "je/jij/jouw", never "u/uw";
- French typography: a narrow no-break space (U+202F) before ; : ! ? and inside « ».

Each returns what is wrong (an empty list when the text is right), with a little context, so
a failing test says where to look.
"""

from __future__ import annotations

import re

NNBSP = "\u202f"

# What is not prose: placeholders (%(name)s, {age}), web and e-mail addresses, times.
_NOT_PROSE = re.compile(
    r"%\([a-z_]+\)[sd]"
    r"|\{[a-z_]*\}"
    r"|[a-z][a-z0-9+.-]*://\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b\d{1,2}:\d{2}\b",
    re.IGNORECASE,
)
_FORMAL_DUTCH = re.compile(r"(?<![\w'’-])(u|uw|uwe|uzelf|u'?s)(?![\w'’-])", re.IGNORECASE)
_DOUBLE_PUNCTUATION = "!?;:"


def _prose(text: str) -> str:
    """The text with what is not prose blanked out (same length, so offsets still hold)."""
    return _NOT_PROSE.sub(lambda m: "x" * len(m.group()), text)


def _around(text: str, start: int, end: int) -> str:
    return text[max(0, start - 20) : end + 20].replace("\n", " ")


def formal_dutch_address(text: str) -> list[str]:
    """The places where a Dutch text addresses its reader as "u" or "uw" (or "uzelf")."""
    prose = _prose(text)
    return [f"{m.group()!r} in …{_around(text, m.start(), m.end())}…"
            for m in _FORMAL_DUTCH.finditer(prose)]


def french_typography_errors(text: str) -> list[str]:
    """The places where a French text lacks the narrow no-break space (U+202F): before
    ; : ! ? ending a clause, after « and before ». A mark inside a token (a URL's "?", a
    time's ":") is not prose punctuation and is left alone."""
    prose = _prose(text)
    errors = []
    for m in re.finditer(r"[;:!?]", prose):
        i = m.start()
        before = prose[i - 1] if i else ""
        after = prose[i + 1] if i + 1 < len(prose) else ""
        if before in _DOUBLE_PUNCTUATION and before:
            continue  # "?!": the space goes before the first mark only
        attached = before and not before.isspace() and after and not (
            after.isspace() or after in "»)\"'.,…" or after in _DOUBLE_PUNCTUATION
        )
        if attached or before == NNBSP:
            continue
        errors.append(f"{m.group()!r} without U+202F before it in …{_around(text, i, i + 1)}…")
    for m in re.finditer("«", prose):
        if prose[m.end() : m.end() + 1] != NNBSP:
            errors.append(f"'«' without U+202F after it in …{_around(text, m.start(), m.end())}…")
    for m in re.finditer("»", prose):
        if prose[m.start() - 1 : m.start()] != NNBSP:
            errors.append(f"'»' without U+202F before it in …{_around(text, m.start(), m.end())}…")
    return errors
