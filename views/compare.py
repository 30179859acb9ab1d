"""Compare cities: ranked values with each value's standing, time series, two indicators,
city versus country; every view on a selection of cities held in the URL."""
import streamlit as st

from analytics.rules import HEADLINE, HEADLINE_SHARES
from figures.compare import city_and_country, lines_over_time, ranked_bars, two_indicators
from ui.data import call
from ui.render import built, context, plain, show
from ui.briefs import brief_panel
from ui.selection import city_selection, default_for
from ui.widgets import select

ctx = context()
st.title(ctx.t("compare_title"))
st.markdown(ctx.t("compare_intro"))
selected = city_selection(default=default_for(None))
available = call("compare", "available_indicators", selected, 2)
choices = [HEADLINE] + list(available.indicator_id)


def indicator_name(indicator_id: str) -> str:
    return ctx.t("headline_share_label") if indicator_id == HEADLINE else ctx.label("indicators", indicator_id)


c1, c2 = st.columns([3, 1])
indicator = select(ctx.t("indicator"), choices, "indicator", format_func=indicator_name, default=HEADLINE,
                   what=ctx.t("what_indicator"), container=c1)
years = ["latest"] + list(range(2025, 1999, -1))
year = select(ctx.t("year_latest_before"), years, "year", default="latest",
              format_func=lambda y: ctx.t("latest") if y == "latest" else str(y), what=ctx.t("what_year"), container=c2)
requested = None if year == "latest" else int(year)
ids = list(HEADLINE_SHARES) if indicator == HEADLINE else indicator
show(built("compare-bars", ctx, (indicator, requested, selected),
           lambda: ranked_bars(call("compare", "network_position", ids, requested, selected), ctx, indicator_name(indicator))),
     "bars", ctx)
brief_panel("comparison", ctx, city_ids=list(selected), indicator=indicator)

# --- time series -------------------------------------------------------------------------
st.header(ctx.t("over_time"))
series_choices = [i for i in available.indicator_id]
default_series = ids[0] if isinstance(ids, list) else ids
series_id = select(ctx.t("indicator"), series_choices, "series", format_func=lambda i: ctx.label("indicators", i),
                   default=default_series if default_series in series_choices else None, what=ctx.t("what_indicator"))


def series_chart():
    series = call("compare", "timeseries", series_id, selected)
    return None if series.empty else lines_over_time(
        series, ctx, ctx.t("over_time_title", indicator=ctx.label("indicators", series_id)), cities_order=ctx.city_order)


if series_id:
    chart = built("compare-ts", ctx, (series_id, selected), series_chart)
    if chart is None:
        st.info(ctx.t("no_data"))
    else:
        show(chart, "ts", ctx)

# --- scatter of two indicators -------------------------------------------------------------
st.header(ctx.t("two_indicators"))
pairs = list(available.indicator_id)
c1, c2 = st.columns(2)
x_id = select(ctx.t("horizontal_axis"), pairs, "x", format_func=lambda i: ctx.label("indicators", i),
              default="population_total", what=ctx.t("what_indicator"), container=c1)
y_id = select(ctx.t("vertical_axis"), pairs, "y", format_func=lambda i: ctx.label("indicators", i),
              default="foreign_citizens_share", what=ctx.t("what_indicator"), container=c2)


def scatter_chart():
    xs = call("compare", "compare_cities", x_id, None, None, selected)
    ys = call("compare", "compare_cities", y_id, None, None, selected)
    both = xs.merge(ys, on=["city_id", "city"], suffixes=("_x", "_y")).dropna(subset=["value_x", "value_y"])
    return None if both.empty else two_indicators(both, ctx, x_id, y_id)


if x_id and y_id:
    chart = built("compare-scatter", ctx, (x_id, y_id, selected), scatter_chart)
    if chart is None:
        st.info(ctx.t("no_city_has_both"))
    else:
        show(chart, "scatter", ctx)

# --- city vs national ----------------------------------------------------------------------
st.header(ctx.t("city_vs_country"))
vs = call("compare", "city_vs_country", selected)
if vs.dropna(subset=["city_share"]).empty if "city_share" in vs else True:
    st.info(ctx.t("no_data"))
else:
    show(built("compare-vs", ctx, (selected,), lambda: city_and_country(vs, ctx)), "vs", ctx)
    missing = [ctx.city(c) for c in vs[vs.city_share.isna()].city_id]
    if missing:
        st.caption(plain(ctx.t("no_city_share", cities=", ".join(missing))))
