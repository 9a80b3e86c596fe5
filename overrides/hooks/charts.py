"""Charts of data/impact.yml drawn at build time as inline SVG: no JavaScript chart library.

Each chart is a <figure> with an SVG (role="img", title and description listing every value),
a legend in HTML, and a caption naming the sources, so the chart reads without sight and
without CSS. Bars are grouped by year; a series only holds figures of one measure (the data
schema checks it), so two different measures are never drawn as one.
"""

from __future__ import annotations

from html import escape

from sitedata.formatting import COLON, format_figure, format_value, source_and_year
from sitedata.models import Chart, Figure, Impact

# A narrow drawing, so labels stay legible when a phone scales it to ~330 px.
WIDTH, HEIGHT = 420, 260
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 40, 220, 8, 412
# Series colours, each ≥ 4.5:1 against white: the organisation's dark orange, a navy, a teal.
COLOURS = ("#B34D00", "#2B3A55", "#00646E")
SOURCES_WORD = {"fr": "Sources", "nl": "Bronnen", "en": "Sources"}
# French puts a narrow no-break space before a semicolon.
SEMICOLON = {"fr": "\u202f; ", "nl": "; ", "en": "; "}


def _bar(x: float, width: float, fig: Figure, top: float, colour: str, lang: str) -> str:
    height = (PLOT_BOTTOM - PLOT_TOP) * (fig.value / top)
    y = PLOT_BOTTOM - height
    # A qualifier ("more than") goes on a line of its own above the number, so a wide
    # label never runs out of the drawing.
    number = format_value(fig.value, fig.unit, lang)
    qualifier = format_figure(fig, lang).replace(number, "").strip()
    centre = f"{x + width / 2:.1f}"
    lines = (
        f'<tspan x="{centre}" dy="-1.2em">{escape(qualifier)}</tspan>'
        f'<tspan x="{centre}" dy="1.2em">{escape(number)}</tspan>'
        if qualifier
        else escape(number)
    )
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{colour}"/>'
        f'<text x="{centre}" y="{y - 6:.1f}" text-anchor="middle" '
        f'class="duo-chart__value">{lines}</text>'
    )


def _by_year(chart: Chart, impact: Impact) -> tuple[list[int], list[dict[int, Figure]]]:
    """The years on the axis, and each series' figure per year."""
    rows = [{f.year: f for f in map(impact.figure, s.figures)} for s in chart.series]
    return sorted({year for row in rows for year in row}), rows


def render_chart(chart: Chart, impact: Impact, lang: str) -> str:
    """One chart as a <figure> with inline SVG; bars grouped by year."""
    years, rows = _by_year(chart, impact)
    top = max(f.value for row in rows for f in row.values()) * 1.15
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(years)
    bar_width = slot * 0.8 / len(rows)
    parts: list[str] = []
    for g, year in enumerate(years):
        x0 = PLOT_LEFT + g * slot + slot * 0.1
        for s, row in enumerate(rows):
            if year in row:
                parts.append(_bar(x0 + s * bar_width, bar_width - 4, row[year], top,
                                  COLOURS[s % len(COLOURS)], lang))
        parts.append(
            f'<text x="{PLOT_LEFT + g * slot + slot / 2:.1f}" y="{PLOT_BOTTOM + 26}" '
            f'text-anchor="middle" class="duo-chart__axis">{year}</text>'
        )
    legend = "".join(
        # A class, not a style attribute: the Content-Security-Policy allows no inline style.
        f'<li><span class="duo-chart__swatch duo-chart__swatch--{i % len(COLOURS)}"></span>'
        f"{escape(s.label[lang])}</li>"
        for i, s in enumerate(chart.series)
    ) if len(chart.series) > 1 else ""
    described = SEMICOLON[lang].join(
        f"{s.label[lang]} {year}{COLON[lang]}{format_figure(row[year], lang)}"
        for s, row in zip(chart.series, rows, strict=True)
        for year in years
        if year in row
    )
    sources = sorted({source_and_year(impact, f, lang) for row in rows for f in row.values()})
    note = f" {escape(chart.note[lang])}" if chart.note else ""
    title_id, desc_id = f"chart-{chart.id}-title", f"chart-{chart.id}-desc"
    return (
        f'<figure class="duo-chart" id="chart-{chart.id}">'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(chart.title[lang])}</title>'
        f'<desc id="{desc_id}">{escape(described)}</desc>'
        f'<line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}" '
        f'stroke="#1a1a1a"/>'
        f'{"".join(parts)}</svg>'
        + (f'<ul class="duo-chart__legend" aria-hidden="true">{legend}</ul>' if legend else "")
        + f"<figcaption><strong>{escape(chart.title[lang])}</strong>.{note} "
        f"{SOURCES_WORD[lang]}{COLON[lang]}{escape(SEMICOLON[lang].join(sources))}.</figcaption>"
        "</figure>"
    )
