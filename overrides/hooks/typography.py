"""French typography: a narrow no-break space (U+202F) before ; : ! ? and inside « ».

Pure functions over text, shared by the site build (every French page is checked) and by
any test that checks French text elsewhere (e.g. a message catalogue):

- `french_spacing_errors(text)` lists what is wrong, with a little context;
- `fix_french_spacing(text)` puts the right space where it belongs.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from html.parser import HTMLParser

NNBSP = "\u202f"

# A mark that takes a space before it, with whatever precedes it (one space or none).
_BEFORE_MARK = re.compile(r"(?P<prev>[^\s;:!?])?(?P<space>[ \u00a0\u202f]?)(?P<mark>[;:!?]+|»)")
_AFTER_OPEN = re.compile(r"«(?P<space>[ \u00a0\u202f]?)")


@dataclass(frozen=True)
class SpacingError:
    at: int
    context: str
    message: str

    def __str__(self) -> str:
        return f"{self.message}: …{self.context}…"


def _context(text: str, at: int) -> str:
    return text[max(0, at - 25) : at + 15].replace("\n", " ").replace(NNBSP, "⍽")


def _is_punctuation(text: str, at: int) -> bool:
    """False for a colon inside a time or a ratio (14:30) or a URL (https://)."""
    if text[at] != ":":
        return True
    before, after = text[at - 1 : at] if at else "", text[at + 1 : at + 2]
    return not (before.isdigit() and after.isdigit()) and text[at + 1 : at + 3] != "//"


# Web addresses: their ? and : are no punctuation.
_URL = re.compile(r"[a-z][a-z0-9+.-]*://\S+", re.IGNORECASE)


def _in_url(text: str, at: int) -> bool:
    return any(start <= at < end for start, end in _url_spans(text))


@functools.lru_cache(maxsize=4)
def _url_spans(text: str) -> tuple[tuple[int, int], ...]:
    """Where the addresses are, found once per text rather than once per mark."""
    return tuple(m.span() for m in _URL.finditer(text))


def french_spacing_errors(text: str) -> list[SpacingError]:
    """Every ; : ! ? or » not preceded by U+202F, and every « not followed by it.

    A mark at the start of a line (no word before it) is left alone, as is a colon in a
    time or a ratio, and any mark in a web address. Repeated marks ("?!") need one space,
    before the first.
    """
    errors = []
    for m in _BEFORE_MARK.finditer(text):
        prev, space, mark = m["prev"], m["space"], m["mark"]
        at = m.start("mark")
        if prev is None and not space:
            continue  # nothing before it on the line: a list marker, "!!!", a lone mark
        if not _is_punctuation(text, at) or _in_url(text, at):
            continue
        if space != NNBSP:
            what = "no space" if not space else f"U+{ord(space):04X} instead of U+202F"
            errors.append(SpacingError(at, _context(text, at), f"{what} before “{mark}”"))
    for m in _AFTER_OPEN.finditer(text):
        if m["space"] != NNBSP:
            at = m.start()
            errors.append(SpacingError(at, _context(text, at), "no U+202F after “«”"))
    return errors


def fix_french_spacing(text: str) -> str:
    """`text` with U+202F before ; : ! ? » and after «, wherever french_spacing_errors
    would complain; every other character is kept."""

    def before(m: re.Match[str]) -> str:
        prev, space, mark = m["prev"], m["space"], m["mark"]
        if prev is None and not space:
            return m[0]
        at = m.start("mark")
        if not _is_punctuation(m.string, at) or _in_url(m.string, at):
            return m[0]
        return (prev or "") + NNBSP + mark

    text = _BEFORE_MARK.sub(before, text)
    return _AFTER_OPEN.sub("«" + NNBSP, text)


# Elements whose text a reader does not see as French prose.
_SKIP = {"script", "style", "code", "pre", "svg", "kbd", "samp"}
# Elements that end a line of text (inline elements join their neighbours).
_BLOCKS = {
    "p", "div", "li", "ul", "ol", "dt", "dd", "dl", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "tr", "td", "th", "br", "section", "article", "header", "footer", "nav",
    "main", "aside", "figure", "figcaption", "form", "label", "button", "title", "details",
    "summary", "blockquote", "option", "select", "input", "textarea",
}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skipping += 1
        if tag in _BLOCKS:
            self.parts.append("\n")
        if tag == "meta" and dict(attrs).get("name") == "description":
            self.parts.append("\n" + (dict(attrs).get("content") or "") + "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP and self.skipping:
            self.skipping -= 1
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The text a reader sees in an HTML page (and its meta description), one block a line."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)
