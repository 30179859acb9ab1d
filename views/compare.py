"""Compare cities: the sections of ``report.compare`` (ranked values with each value's
standing, lines over time, two indicators, city versus country, caveats, sources), rendered
with Streamlit on a selection of cities held in the URL; the comparison brief prints the same."""
import streamlit as st

from analytics import compare
from analytics.rules import HEADLINE
from report.compare import SECTION_KEYS, CompareView, comparison, indicator_ids, indicator_name
from ui.briefs import brief_panel
from ui.data import cached
from ui.render import context
from ui.sections import page, render_page, section_slots
from ui.selection import city_selection, default_for
from ui.widgets import select

ctx = context()
st.title(ctx.t("compare_title"))
# the comparability rule is said once, in the Ranking section (as in every brief)
selected = city_selection(default=default_for(None))
available = cached(compare.available_indicators, selected, 2)
choices = [HEADLINE] + list(available.indicator_id)

c1, c2 = st.columns([3, 1])
indicator = select(ctx.t("indicator"), choices, "indicator", format_func=lambda i: indicator_name(ctx, i), default=HEADLINE,
                   what=ctx.t("what_indicator"), container=c1)
years = ["latest"] + list(range(2025, 1999, -1))
year = select(ctx.t("year_latest_before"), years, "year", default="latest",
              format_func=lambda y: ctx.t("latest") if y == "latest" else str(y), what=ctx.t("what_year"), container=c2)
requested = None if year == "latest" else int(year)
brief_box = st.container()
slots = section_slots(SECTION_KEYS)

# each section's own selectors are part of the view: read before the page is built
series_choices = list(available.indicator_id)
ids = indicator_ids(indicator)
default_series = ids[0] if isinstance(ids, list) else ids
series_id = select(ctx.t("indicator"), series_choices, "series", format_func=lambda i: ctx.label("indicators", i),
                   default=default_series if default_series in series_choices else None, what=ctx.t("what_indicator"),
                   container=slots["over_time"].controls)
left, right = slots["two_indicators"].controls.columns(2)
x_id = select(ctx.t("horizontal_axis"), series_choices, "x", format_func=lambda i: ctx.label("indicators", i),
              default="population_total", what=ctx.t("what_indicator"), container=left)
y_id = select(ctx.t("vertical_axis"), series_choices, "y", format_func=lambda i: ctx.label("indicators", i),
              default="foreign_citizens_share", what=ctx.t("what_indicator"), container=right)

view = CompareView(tuple(selected), indicator, requested, series_id, x_id, y_id)
with brief_box:
    brief_panel("comparison", ctx, city_ids=list(selected), indicator=indicator, year=requested, series=series_id,
                x=x_id, y=y_id)
content = page("compare-page", ctx, (view,), lambda con, c: comparison(con, c, view))
render_page(content, ctx, slots, view_key=(view,))
