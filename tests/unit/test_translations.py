"""Every text of the service is translated in French and Dutch, and the .mo files are current."""

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


@pytest.mark.parametrize("lang", ["fr", "nl"])
def test_every_message_is_translated(lang: str) -> None:
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id}
    missing = sorted(source_messages() - {k for k, v in po.items() if v})
    assert missing == [], f"untranslated in {lang}: {missing}"


@pytest.mark.parametrize("lang", ["fr", "nl", "en"])
def test_compiled_catalog_matches_the_po_file(lang: str) -> None:
    """pybabel compile -d forms_service/translations after editing a .po file."""
    folder = TRANSLATIONS / lang / "LC_MESSAGES"
    with (folder / "messages.po").open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id and m.string}
    with (folder / "messages.mo").open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id and m.string}
    assert po == mo
