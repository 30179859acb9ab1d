"""One self-contained, offline HTML brief: plotly.js inlined once, every chart's data inside,
no http(s) script, style, font or image reference; ``dir="rtl"`` for Arabic."""
from __future__ import annotations

import re
from html import escape

from report.model import Page as Brief
from briefs.layout import BASE_CSS, SCREEN_CSS, brief_html

_EXTERNAL = re.compile(r"""<(script|link|img|iframe)[^>]+(src|href)=["']https?://""", re.I)


def render_html(brief: Brief, progress=None) -> bytes:
    """The brief as one HTML file (UTF-8 bytes) with interactive charts."""
    from plotly.offline import get_plotlyjs

    from i18n import t

    charts = brief.charts
    bodies = []
    for i, chart in enumerate(charts):
        if progress:
            progress(i, len(charts))
        fig = chart.figure
        bodies.append(fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{i}",
                                  config={"displaylogo": False, "responsive": True}, default_width="100%"))
    head = f'<script type="text/javascript">{get_plotlyjs()}</script>'
    intro = f'<p class="meta">{escape(t("brief_interactive_note", brief.lang))}</p>'
    html = brief_html(brief, bodies, css=BASE_CSS + SCREEN_CSS, head_extra=head, intro=intro)
    if _EXTERNAL.search(html):  # a guard, tested: the file must work offline
        raise ValueError("the HTML brief would load an outside resource")
    return html.encode("utf-8")
