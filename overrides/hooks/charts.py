"""Charts of data/impact.yml drawn at build time as inline SVG: no JavaScript chart library.

Each chart is a <figure> with an SVG (role="img", title and description listing every value)
and a caption naming the sources, so the chart reads without sight and without CSS.
"""

from __future__ import annotations

from html import escape

from sitedata.models import Chart, Impact
from sitedata.formatting import COLON, format_figure

# A narrow drawing, so labels stay legible when a phone scales it to ~330 px.
WIDTH, HEIGHT = 420, 280
PLOT_TOP, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT = 48, 240, 8, 412
# Series colours: the organisation's dark orange and a navy, both ≥ 3:1 against white.
COLOURS = ("#B34D00", "#2B3A55")
SOURCES_WORD = {"fr": "Sources", "nl": "Bronnen", "en": "Sources"}


def _bar(x: float, width: float, value: float, top: float, colour: str, text: str) -> str:
    height = (PLOT_BOTTOM - PLOT_TOP) * (value / top)
    y = PLOT_BOTTOM - height
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" '
        f'fill="{colour}"/>'
        f'<text x="{x + width / 2:.1f}" y="{y - 6:.1f}" text-anchor="middle" '
        f'class="duo-chart__value">{escape(text)}</text>'
    )


def render_chart(chart: Chart, impact: Impact, lang: str) -> str:
    """One chart as a <figure> with inline SVG; bars grouped by the first series' years."""
    series = [[impact.figure(fid) for fid in s.figures] for s in chart.series]
    top = max(f.value for row in series for f in row) * 1.15
    groups = len(series[0])
    slot = (PLOT_RIGHT - PLOT_LEFT) / groups
    bar_width = slot * 0.7 / len(series)
    parts: list[str] = []
    for g in range(groups):
        x0 = PLOT_LEFT + g * slot + slot * 0.15
        for s, row in enumerate(series):
            if g < len(row):
                fig = row[g]
                text = format_figure(fig, lang)
                parts.append(_bar(x0 + s * bar_width, bar_width - 4, fig.value, top,
                                  COLOURS[s % len(COLOURS)], text))
        parts.append(
            f'<text x="{PLOT_LEFT + g * slot + slot / 2:.1f}" y="{PLOT_BOTTOM + 24}" '
            f'text-anchor="middle" class="duo-chart__axis">{series[0][g].year}</text>'
        )
    legend = "".join(
        f'<rect x="{PLOT_LEFT + i * 200}" y="8" width="16" height="16" fill="{COLOURS[i % 2]}"/>'
        f'<text x="{PLOT_LEFT + i * 200 + 22}" y="22" class="duo-chart__legend">'
        f"{escape(s.label[lang])}</text>"
        for i, s in enumerate(chart.series)
    ) if len(chart.series) > 1 else ""
    described = "; ".join(
        f"{s.label[lang]} {f.year}: {format_figure(f, lang)}"
        for s, row in zip(chart.series, series, strict=True)
        for f in row
    )
    sources = sorted({impact.sources[f.source].name + f", {f.year}" for row in series for f in row})
    title_id, desc_id = f"chart-{chart.id}-title", f"chart-{chart.id}-desc"
    return (
        f'<figure class="duo-chart" id="chart-{chart.id}">'
        f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{title_id}">{escape(chart.title[lang])}</title>'
        f'<desc id="{desc_id}">{escape(described)}</desc>'
        f"{legend}"
        f'<line x1="{PLOT_LEFT}" y1="{PLOT_BOTTOM}" x2="{PLOT_RIGHT}" y2="{PLOT_BOTTOM}" '
        f'stroke="#1a1a1a"/>'
        f'{"".join(parts)}</svg>'
        f"<figcaption><strong>{escape(chart.title[lang])}</strong>. "
        f"{SOURCES_WORD[lang]}{COLON[lang]}{escape('; '.join(sources))}.</figcaption>"
        "</figure>"
    )
