"""Locale-aware formatting of figures with Babel, shared by the site build and the service."""

from __future__ import annotations

from babel import Locale
from babel.numbers import format_currency, format_decimal, format_percent

from sitedata.models import Figure

# The Babel locale for each site language: Belgian usage for French and Dutch.
BABEL_LOCALES: dict[str, str] = {"fr": "fr_BE", "nl": "nl_BE", "en": "en"}

# French puts a no-break space before a colon.
COLON: dict[str, str] = {"fr": "\u00a0: ", "nl": ": ", "en": ": "}

QUALIFIERS: dict[str, dict[str, str]] = {
    "more_than": {"fr": "plus de {}", "nl": "meer dan {}", "en": "more than {}"},
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
