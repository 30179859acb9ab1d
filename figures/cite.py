"""How to cite and share one chart: a short citation, a BibTeX entry and an embed snippet,
each with the data version (no Streamlit: pages, briefs and exports use the same texts)."""
from __future__ import annotations

import re
from datetime import date

from figures.style import Chart, slug
from i18n import t


def short_citation(chart: Chart, url: str, lang: str = "en", day: date | None = None) -> str:
    """'Sources (data). Title. MC2CM city migration dashboard, data version X, retrieved DATE. URL'."""
    day = day or date.today()
    return t("cite_short", lang, source=chart.source or t("dashboard_database", lang), title=chart.title,
             version=_version(chart), date=day.isoformat(), url=url)


def bibtex(chart: Chart, url: str, day: date | None = None) -> str:
    """A BibTeX ``@misc`` entry for the chart's view (key: chart name and data version)."""
    day = day or date.today()
    version = _version(chart)
    key = re.sub(r"[^a-z0-9]+", "-", f"mc2cm-{slug(chart.name)}-{version}".lower()).strip("-")[:60]

    def esc(text: str) -> str:
        return str(text).replace("\\", "\\textbackslash{}").replace("{", "\\{").replace("}", "\\}") \
            .replace("%", "\\%").replace("&", "\\&").replace("#", "\\#").replace("_", "\\_")

    return (f"@misc{{{key},\n  title = {{{esc(chart.title)}}},\n  author = {{{{MC2CM city migration dashboard}}}},\n"
            f"  year = {{{day.year}}},\n  note = {{Data: {esc(chart.source)}. Data version {esc(version)}}},\n"
            f"  url = {{{url}}},\n  urldate = {{{day.isoformat()}}}\n}}")


EMBED_WIDTH, EMBED_HEIGHT = 960, 600  # the iframe of :func:`embed_snippet`
EMBED_CHROME = 70  # the page's padding, the gap and the link back under the chart (px)


def embed_figure(fig, height: int = EMBED_HEIGHT):
    """A copy of a chart's figure no taller than an embed frame of ``height`` less the link back
    under it, so that its source line (drawn in the bottom margin) stays inside the frame."""
    import plotly.graph_objects as go

    room = height - EMBED_CHROME
    if (fig.layout.height or 450) <= room:
        return fig
    out = go.Figure(fig)
    out.update_layout(height=room)
    return out


def embed_snippet(chart: Chart, embed_url: str) -> str:
    """An iframe showing the chart alone (``?embed=true&chart=<key>``: Streamlit's own embed mode
    without toolbar, and the app's one-chart view)."""
    title = chart.title.replace('"', "&quot;").replace("<", "&lt;")
    return (f'<iframe src="{embed_url}" title="{title}" width="{EMBED_WIDTH}" height="{EMBED_HEIGHT}" '
            f'style="border:0" loading="lazy"></iframe>')


def _version(chart: Chart) -> str:
    footer = " ".join(a.text or "" for a in chart.figure.layout.annotations)
    match = re.search(r"\b([0-9a-f]{12})\b", footer)
    return match.group(1) if match else ""
