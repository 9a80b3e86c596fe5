"""Every text of the service is translated in French and Dutch (every plural form too), nothing
is left fuzzy, and the .mo files are current."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

PACKAGE = Path(__file__).resolve().parents[2] / "forms_service"
TRANSLATIONS = PACKAGE / "translations"


def source_messages() -> set[str]:
    jinja = {"extensions": "jinja2.ext.do"}
    found = extract_from_dir(
        str(PACKAGE),
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2"),
                    ("**/templates/**.txt", "jinja2")],
        options_map={"**/templates/**.html": jinja, "**/templates/**.txt": jinja},
        keywords={**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def singular(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def translated(msgstr: str | tuple[str, ...]) -> bool:
    return all(msgstr) if isinstance(msgstr, tuple | list) else bool(msgstr)


def comparable(msgstr: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(msgstr) if isinstance(msgstr, tuple | list) else (msgstr,)


def with_fallback(msgid: str | tuple[str, ...], msgstr: str | tuple[str, ...]) -> tuple[str, ...]:
    if isinstance(msgid, str):
        return comparable(msgstr)
    return tuple(s or msgid[min(i, 1)] for i, s in enumerate(comparable(msgstr)))


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_message_is_translated(lang: str) -> None:
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        messages = [m for m in read_po(fh) if m.id]
    done = {singular(m.id) for m in messages if translated(m.string) and not m.fuzzy}
    missing = sorted(source_messages() - done)
    assert missing == [], f"untranslated or fuzzy in {lang}: {missing}"


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_compiled_catalog_matches_the_po_file(lang: str) -> None:
    """pybabel compile -d forms_service/translations after editing a .po file."""
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        # A plural message is always compiled, an empty form falling back to the msgid's.
        po = {singular(m.id): with_fallback(m.id, m.string) for m in read_po(fh)
              if m.id and (m.pluralizable or m.string)}
    with (folder / "messages.mo").open("rb") as fh:
        mo = {singular(m.id): comparable(m.string) for m in read_mo(fh)
              if m.id and translated(m.string)}
    assert po == mo
