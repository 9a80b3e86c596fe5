"""The words of the site's pages (docs/<lang>/*.md): one register in Dutch, one word per thing
in each language, French inclusive forms, and no fact typed where the data holds it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
LANGUAGES = ("fr", "nl", "en")


def pages(lang: str) -> list[Path]:
    return sorted((DOCS / lang).rglob("*.md"))


def prose(path: Path) -> str:
    """A page's text without its macro calls and link targets (what a reader sees, roughly)."""
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\{\{.*?\}\}", " ", text)
    return re.sub(r"\]\([^)]*\)", "]", text)


def findings(lang: str, pattern: str, flags: int = re.IGNORECASE) -> list[str]:
    found = []
    for path in pages(lang):
        for number, line in enumerate(prose(path).splitlines(), 1):
            for m in re.finditer(pattern, line, flags):
                where = line[max(0, m.start() - 30) : m.end() + 30]
                found.append(f"{path.relative_to(DOCS)}:{number}: …{where}…")
    return found


def test_every_language_has_pages_to_check():
    assert all(len(pages(lang)) >= 12 for lang in LANGUAGES)


# --- Dutch: one register, words known in Flanders and in the Netherlands ------------------


def test_dutch_pages_say_je_to_the_reader_never_u():
    assert not findings("nl", r"(?<![\w'-])(u|uw|uwe|uzelf)(?![\w'-])")


# Words only one side knows (Belgian usage or jargon), with what the site says instead.
ONE_SIDED_DUTCH = {
    r"\bjobs?\b(?! for a JOB)": "werk",
    r"\bopvolging\b": "begeleiding",
    r"\bengager": "meedoen, zich inzetten",
    r"werkzaamheidsgraad": "(say what it means)",
    r"\brekrutering\b": "werving",
    r"\bjobdag": "beurs",
    r"mecenaat": "steun",
    r"positieve uitstroom": "werk, een stage of een opleiding",
    r"\bin groep\b": "in een groep",
}


@pytest.mark.parametrize("pattern", list(ONE_SIDED_DUTCH))
def test_dutch_pages_use_words_known_on_both_sides_of_the_border(pattern):
    found = [f for f in findings("nl", pattern, 0) if "DUO for a JOB" not in f or "job " in f]
    assert not found, f"use “{ONE_SIDED_DUTCH[pattern]}”: {found}"


def test_the_belgian_ocmw_is_explained_where_it_is_named():
    for line in findings("nl", r"OCMW", 0):
        assert "België" in line, line


# --- One word per thing, per language ------------------------------------------------------

OTHER_WORDS = {
    "fr": [r"mentoré", r"\bsubsides?\b", r"\bafdeling", r"\bcandidature"],
    "nl": [r"\baanmelding", r"\baanmelden", r"\bantenne", r"\bsubsidie(?!s)\b"],
    "en": [r"\bmentee\b", r"\bantenna", r"\bsubvention"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_one_word_per_thing(lang):
    found = [f for pattern in OTHER_WORDS[lang] for f in findings(lang, pattern)]
    assert not found


# --- French inclusive forms ----------------------------------------------------------------


@pytest.mark.parametrize(
    "masculine_alone",
    [
        r"\bcoordinateur\b(?! ou (une |la )?coordinatrice)",
        r"\bcoordinateurs\b(?! et (les )?coordinatrices)",
        r"\bcandidat\b(?! (et|ou) (une )?candidate)",
        r"\bcandidats\b(?! (et|ou) (les )?candidates)",
        r"\bsûr\b(?! ou sûre)",
        r"êtes (seul|prêt)\b(?! ou)",
        r"êtes (jeune, )?issu\b(?! ou issue)",
    ],
)
def test_french_pages_name_women_and_men_alike(masculine_alone):
    """As the pages do for coordinators: "un coordinateur ou une coordinatrice"."""
    assert not findings("fr", masculine_alone, 0)


# --- Facts come from the data through macros, never typed -----------------------------------

TYPED_CALL_BACK = (
    r"\b(1|2|un|deux|één|een|twee|one|two)( (à|to|or|ou|of|tot) (1|2|deux|twee|two))? "
    r"(jours?|dagen|dag|days?)\b"
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_types_how_soon_people_are_called(lang):
    """The delay is data/programme.yml's call_back.days, said by {{ call_back() }}."""
    assert not findings(lang, TYPED_CALL_BACK)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_that_promises_a_call_says_when_with_the_macro(lang):
    verbs = {"fr": r"(vous|l') ?appelons", "nl": r"bellen (je|hem)", "en": r"call (you|them)"}
    for path in pages(lang):
        for line in path.read_text(encoding="utf-8").splitlines():
            if re.search(verbs[lang], line, re.IGNORECASE) and "{{ call_back() }}" not in line:
                pytest.fail(f"{path.relative_to(DOCS)}: a call with no delay: {line}")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_types_the_mentor_age_or_another_wording_of_it(lang):
    """One rule, said one way: {{ mentor_age() }} ("50 ans ou plus", "aged 50 or over")."""
    other_wordings = {
        "fr": r"plus de \d+ ans|\d+ ans (et|ou) plus|au moins \d+ ans|\d+\s?\+",
        "nl": r"boven de \d+|\d+ jaar (en|of) ouder|minstens \d+ jaar|ouder dan \d+|\d+\s?\+",
        "en": r"over \d+|\d+ (and|or) (over|older)|at least \d+|\d+\s?\+",
    }
    assert not findings(lang, other_wordings[lang])
    assert not findings(lang, r"mentor_min_age")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_page_lists_the_mentee_conditions_itself(lang):
    """The conditions are data (programme.yml), listed by {{ mentee_conditions() }}."""
    permit = {"fr": r"titre de séjour de longue", "nl": r"verblijfsvergunning voor lange",
              "en": r"long-term residence permit"}
    assert not findings(lang, permit[lang])
    for name in ("young-people.md", "faq.md"):
        assert "{{ mentee_conditions() }}" in (DOCS / lang / name).read_text("utf-8")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_young_persons_call_to_action_is_never_the_lesser_button(lang):
    for path in pages(lang):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"cta\(\s*[\"'](mentee|mentor)[\"'][^)]*secondary", text), path
