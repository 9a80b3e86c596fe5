"""Locale-aware formatting of figures with Babel, shared by the site build and the service."""

from __future__ import annotations

from babel import Locale
from babel.lists import format_list
from babel.numbers import format_currency, format_decimal, format_percent

from sitedata.models import Figure, Impact

# The Babel locale for each site language: Belgian usage for French and Dutch.
BABEL_LOCALES: dict[str, str] = {"fr": "fr_BE", "nl": "nl_BE", "en": "en"}

# Lists are written the British way in English ("a, b and c"), as the site's English is.
LIST_LOCALES: dict[str, str] = {**BABEL_LOCALES, "en": "en_GB"}

# French puts a narrow no-break space before a colon.
COLON: dict[str, str] = {"fr": "\u202f: ", "nl": ": ", "en": ": "}

# A figure's qualifier, as its source says it.
QUALIFIERS: dict[str, dict[str, str]] = {
    "more_than": {"fr": "plus de {}", "nl": "meer dan {}", "en": "more than {}"},
    "nearly": {"fr": "près de {}", "nl": "bijna {}", "en": "nearly {}"},
    "about": {"fr": "environ {}", "nl": "ongeveer {}", "en": "about {}"},
}


def _percent_pattern(lang: str) -> str:
    pattern = Locale.parse(BABEL_LOCALES[lang]).percent_formats[None].pattern
    # French typography puts a narrow no-break space before % (CLDR gives a wide one).
    return pattern.replace("\xa0", "\u202f") if lang == "fr" else pattern


def _whole_currency_pattern(lang: str) -> str:
    pattern = Locale.parse(BABEL_LOCALES[lang]).currency_formats["standard"].pattern
    return pattern.split(";")[0].replace(".00", "")


def format_value(value: float, unit: str, lang: str) -> str:
    """A number in the unit and the typography of the language: 72 %, 9 000, 18 €."""
    locale = BABEL_LOCALES[lang]
    if unit == "percent":
        return format_percent(value / 100, format=_percent_pattern(lang), locale=locale)
    if unit == "euro":
        return format_currency(
            value, "EUR", format=_whole_currency_pattern(lang), locale=locale, currency_digits=False
        )
    return format_decimal(value, locale=locale)


def format_figure(figure: Figure, lang: str) -> str:
    """A figure's value as a reader sees it, with its qualifier ("more than 9,000")."""
    text = format_value(figure.value, figure.unit, lang)
    if figure.qualifier:
        text = QUALIFIERS[figure.qualifier][lang].format(text)
    return text


def format_items(items: list[str], lang: str, style: str = "standard") -> str:
    """Words joined as the language joins them: "a, b et c"; style "or": "a, b ou c"."""
    return format_list(items, style=style, locale=LIST_LOCALES[lang])  # type: ignore[arg-type]


def source_and_year(impact: Impact, figure: Figure, lang: str) -> str:
    """A figure's source and year as a reader sees them: "OCDE, Youth Policy Toolkit, 2023";
    the year is not repeated when the source's name holds it ("rapport annuel 2022")."""
    name = impact.sources[figure.source].name[lang]
    return name if str(figure.year) in name else f"{name}, {figure.year}"
