"""What a brief says: the City profile or Compare page of ``report`` (the same sections, in the
same order, with the same numbers as the page), built in ``print`` mode.

A brief holds no format: :mod:`briefs.pdf`, :mod:`briefs.html` and :mod:`briefs.pptx` lay the
same :class:`report.model.Page` out as an A4 PDF, one offline HTML file and a 16:9 deck.
"""
from __future__ import annotations

from analytics.rules import HEADLINE
from briefs.context import brief_context
from figures.context import Context
from report.city import SECTION_KEYS as CITY_SECTIONS
from report.city import CityView, city_profile
from report.compare import SECTION_KEYS as COMPARISON_SECTIONS
from report.compare import CompareView, comparison, indicator_name
from report.editorial import plain
from report.model import Page as Brief
from report.model import Section

__all__ = ["Brief", "Section", "CITY_SECTIONS", "COMPARISON_SECTIONS", "city_brief_content", "comparison_brief_content",
           "fit_titles", "indicator_name", "plain"]


TITLE_CHARS = 68  # a bold print-mode title (17 px) fits about 70 characters in a 760 px chart


def fit_titles(charts, width: int = TITLE_CHARS) -> None:
    """Wrap long chart titles inside the figure (plotly never wraps a title, so a long one is
    cut at the frame's edge, at the left in right-to-left layouts). The Chart's own ``title``
    is left as it is (slides and captions wrap text themselves)."""
    from figures.style import _escape, _wrap

    for chart in charts:
        if len(chart.title) > width:
            fig = chart.figure
            lines = _wrap(chart.title, width)
            # plotly anchors a multi-line title's first line, not its top: move it down and
            # grow the top margin by the extra lines
            extra = (len(lines) - 1) * (fig.layout.title.font.size or 17) * 1.3
            height = fig.layout.height or 420
            fig.update_layout(title_text="<b>" + "<br>".join(_escape(line) for line in lines) + "</b>",
                              title_y=(fig.layout.title.y or 0.98) - extra / height,
                              margin_t=(fig.layout.margin.t or 100) + extra)



def city_brief_content(con, city_id: str, lang: str = "en", ctx: Context | None = None, trend: str | None = None) -> Brief:
    """The City profile page of ``city_id`` in ``lang``, in print mode (:func:`report.city.city_profile`)."""
    ctx = ctx or brief_context(con, lang)
    page = city_profile(con, ctx, CityView(city_id, trend))
    fit_titles(page.charts)
    return page


def comparison_brief_content(con, city_ids, indicator: str = HEADLINE, lang: str = "en", ctx: Context | None = None,
                             year: int | None = None, series: str | None = None, x: str | None = "population_total",
                             y: str | None = "foreign_citizens_share") -> Brief:
    """The Compare page of ``city_ids`` for ``indicator`` (``analytics.rules.HEADLINE``: each
    city's best migrant share), ``year``, ``series``, ``x`` and ``y``, in print mode
    (:func:`report.compare.comparison`)."""
    ctx = ctx or brief_context(con, lang)
    page = comparison(con, ctx, CompareView(tuple(city_ids or ()), indicator or HEADLINE, year, series, x, y))
    fit_titles(page.charts)
    return page
