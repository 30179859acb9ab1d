"""Compare cities: ranked values with a comparability badge on every mark, time series,
scatter of two indicators, city vs national share."""
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from analytics.compare import HEADLINE_SHARES
from ui.boot import ensure_router
from ui import charts
from ui.data import call, concept_labels, indicator_labels, lookup
from ui.texts import t
from ui.widgets import select

ensure_router()

st.title(t("compare_title"))
st.markdown("Values are ranked only among **comparable** figures (same concept and same kind of territory). "
            "Every other value is shown with the reason it is not comparable.")
labels = indicator_labels()
concepts = concept_labels()
catalog = lookup("indicators")
HEADLINE = "headline_share"
choices = [HEADLINE] + list(catalog[catalog.n_cities >= 2].sort_values("label").indicator_id)
label_of = {HEADLINE: "Migrant share of the population (each city's best measure)", **labels}
c1, c2 = st.columns([3, 1])
indicator = select("Indicator", choices, "indicator", format_func=label_of.get, default=HEADLINE, container=c1)
years = list(range(2025, 1999, -1))
year = select("Year (latest before it if missing)", ["latest"] + years, "year", default="latest", container=c2)
requested = None if year == "latest" else int(year)
ids = list(HEADLINE_SHARES) if indicator == HEADLINE else indicator
table = call("compare", "network_position", ids, requested)
have = table[table.value.notna()].copy()

if have.empty:
    st.info(t("no_data"))
else:
    have["badge"] = [("✓ comparable" if c else "⚠ " + cv) for c, cv in zip(have.comparable, have.caveat)]
    have["label"] = have.city + [("" if c else " ⚠") for c in have.comparable]
    have = have.sort_values(["comparable", "value"], ascending=[False, False])
    colours = [charts.CATEGORICAL[0] if c else "#B0B7BF" for c in have.comparable]
    unit = have.unit.iloc[0]
    fig = go.Figure(go.Bar(
        x=have.value, y=have.label, orientation="h", marker_color=colours,
        text=[f"{v:.1f}{'%' if unit == 'percent' else ''} ({y})" if unit == "percent" else f"{v:,.0f} ({y})" for v, y in zip(have.value, have.year_used)],
        textposition="outside",
        hovertext=[f"<b>{r.city}</b>: {r.indicator_label}<br>{concepts.get(r.concept, r.concept)} · {r.geo_unit} · {r.year_used}"
                   f"<br>{r.badge}<br>Source: {r.publisher}" for r in have.itertuples()], hoverinfo="text"))
    ref = have.iloc[0]
    fig.update_layout(xaxis={"title": unit, "range": [0, have.value.max() * 1.25]}, yaxis={"autorange": "reversed"})
    sub = (f"Reference: {concepts.get(ref.reference_concept, ref.reference_concept)}, {ref.reference_geo_level}, "
           f"{ref.reference_year}. Blue = comparable; grey ⚠ = different concept, territory or definition")
    charts.style(fig, label_of[indicator], sub, charts.source_line(have), height=max(380, 60 * len(have) + 160))
    charts.show(fig, f"compare-{indicator}-{year}", "Horizontal bar chart ranking the cities; grey bars are not comparable.",
                have[["city", "indicator_label", "value", "unit", "year_used", "concept", "geo_level", "geo_unit", "publisher",
                      "source_url", "comparable", "rank", "caveat"]])
    missing = table[table.value.isna()].city.tolist()
    if missing:
        st.caption("No figure: " + ", ".join(missing))

# --- time series -------------------------------------------------------------------------
st.subheader("Over time")
series_id = ids[0] if isinstance(ids, list) else ids
series = call("compare", "timeseries", series_id)
if series.empty:
    st.info(t("no_data"))
else:
    series = series.assign(line=series.city + " · " + series.geo_level)
    fig = px.line(series, x="year", y="value", color="line", markers=True, line_dash="geo_level",
                  hover_data={"geo_unit": True, "publisher": True, "concept": True})
    charts.style(fig, f"{labels.get(series_id, series_id)} over time", "One line per city and kind of territory; every source kept",
                 charts.source_line(series))
    charts.show(fig, f"timeseries-{series_id}", "Line chart of the indicator over time for each city and territory.",
                series[["city", "year", "value", "unit", "concept", "geo_level", "geo_unit", "publisher", "source_url"]], key="ts")

# --- scatter of two indicators -------------------------------------------------------------
st.subheader("Two indicators")
c1, c2 = st.columns(2)
x_id = select("Horizontal axis", choices[1:], "x", format_func=labels.get, default="population_total", container=c1)
y_id = select("Vertical axis", choices[1:], "y", format_func=labels.get, default="foreign_citizens_share", container=c2)
if x_id and y_id:
    xs, ys = call("compare", "compare_cities", x_id), call("compare", "compare_cities", y_id)
    both = xs.merge(ys, on=["city_id", "city"], suffixes=("_x", "_y")).dropna(subset=["value_x", "value_y"])
    if both.empty:
        st.info("No city has both indicators.")
    else:
        both["same_territory"] = both.geo_unit_x == both.geo_unit_y
        fig = px.scatter(both, x="value_x", y="value_y", text="city", symbol="same_territory",
                         hover_data={"geo_unit_x": True, "year_used_x": True, "geo_unit_y": True, "year_used_y": True})
        fig.update_traces(textposition="top center", marker={"size": 14})
        fig.update_layout(xaxis_title=labels[x_id], yaxis_title=labels[y_id])
        charts.style(fig, f"{labels[y_id]} vs {labels[x_id]}", "Latest value of each; symbol shows whether both refer to the same territory",
                     charts.source_line(pd.concat([both.rename(columns={"publisher_x": "publisher"})[["publisher"]],
                                                   both.rename(columns={"publisher_y": "publisher"})[["publisher"]]])))
        charts.show(fig, f"scatter-{x_id}-{y_id}", "Scatter plot of two indicators, one point per city.", both, key="scatter")

# --- city vs national ----------------------------------------------------------------------
st.subheader("City versus country")
vs = call("compare", "city_vs_country").dropna(subset=["city_share"])
fig = go.Figure()
fig.add_trace(go.Bar(name="City", x=vs.city, y=vs.city_share, marker_color=charts.CATEGORICAL[0],
                     hovertext=[f"{r.city_indicator} · {r.city_geo_unit} · {r.city_year}<br>{r.city_publisher}" for r in vs.itertuples()]))
fig.add_trace(go.Bar(name="Country (UN DESA 2024)", x=vs.city, y=vs.national_share, marker_color=charts.CATEGORICAL[1],
                     hovertext=[f"{concepts.get(r.national_concept)} · {r.national_year}<br>{r.caveat}" for r in vs.itertuples()]))
fig.update_layout(barmode="group", yaxis_title="% of population")
charts.style(fig, "Migrant share: city and country", "City: latest share of the city unit; country: UN DESA Rev.2024, closest year; "
             "hover for concept differences", charts.source_line(vs, "city_publisher") + "; UN DESA International Migrant Stock 2024")
charts.show(fig, "city-vs-country", "Grouped bars: each city's migrant share next to its country's.", vs, key="vs")
