"""Overview: the network on a map, a headline card per city, what is unknown, themes, pilots."""
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.compare import HEADLINE_SHARES
from ui.boot import ensure_router
from ui import charts, maps
from ui.data import call, concept_labels, lookup
from ui.texts import t

ensure_router()

st.title(t("overview_title"))
st.markdown(t("overview_intro"))

shares = call("compare", "compare_cities", list(HEADLINE_SHARES))
population = call("compare", "compare_cities", "population_total")
cities = lookup("cities")
concepts = concept_labels()

# --- map -------------------------------------------------------------------------------
frame = cities.merge(shares[["city_id", "value", "year_used", "concept", "geo_unit", "publisher", "caveat", "indicator_label"]],
                     on="city_id", how="left").merge(
    population[["city_id", "value", "year_used", "geo_unit"]].rename(columns={"value": "population", "year_used": "pop_year",
                                                                             "geo_unit": "pop_unit"}), on="city_id", how="left")
world = lookup("world_countries")
fig = go.Figure(maps.world_background(world))
size = (frame.population.fillna(frame.population.median()) ** 0.5) / 60
hover = [
    f"<b>{r.name}</b><br>{r.indicator_label or 'no migrant share'}: "
    + (f"{r.value:.1f}% ({r.year_used}, {concepts.get(r.concept, r.concept)}, {r.geo_unit})<br>Source: {r.publisher}"
       if pd.notna(r.value) else "not known")
    + (f"<br>Population {r.population:,.0f} ({r.pop_year}, {r.pop_unit})" if pd.notna(r.population) else "")
    for r in frame.itertuples()
]
fig.add_trace(go.Scattermap(lon=frame.lon, lat=frame.lat, text=frame.name, mode="markers",
                            marker={"size": size.clip(8, 45), "color": frame.value, "colorscale": charts.SEQUENTIAL,
                                    "cmin": 0, "cmax": 50, "colorbar": {"title": "Migrant share %"}},
                            hovertext=hover, hoverinfo="text"))
fig.add_trace(go.Scattermap(lon=frame.lon, lat=frame.lat + 1.1, text=frame.name, mode="text", hoverinfo="skip",
                            textfont={"size": 14, "color": "#1B2631"}))
fig.update_layout(map={"style": maps.MAP_STYLE, **maps.view((-12, 29, 38, 51), 1000, 400)}, showlegend=False)
charts.style(fig, t("overview_map_title"), t("overview_map_sub"),
             charts.source_line(shares.dropna(subset=["value"])) + "; GeoNames; Natural Earth", height=560)
charts.show(fig, "network-map", "Map of the nine network cities around the Mediterranean; marker size shows population, colour the latest migrant share; "
            "grey markers: no share known.", frame[["name", "indicator_label", "value", "year_used", "concept", "geo_unit", "publisher",
                                                   "population", "pop_year", "pop_unit"]])

# --- headline cards ----------------------------------------------------------------------
st.subheader(t("overview_cards"))
columns = st.columns(3)
for i, row in enumerate(shares.sort_values("city").itertuples()):
    with columns[i % 3].container(border=True):
        if pd.notna(row.value):
            st.metric(f"{row.city}: {row.indicator_label}", f"{row.value:.1f}%")
            st.caption(f"{row.year_used} · {concepts.get(row.concept, row.concept)} · {row.geo_unit}  \n"
                       f"Source: [{row.publisher}]({row.source_url})" + ("" if row.comparable else f"  \n⚠ {row.caveat}"))
        else:
            st.metric(row.city, "not known")
            st.caption("No migrant share of the population in the sources available.")

# --- coverage at a glance ----------------------------------------------------------------
st.subheader(t("gap_title"))
score = call("coverage", "coverage_score")
fig = go.Figure(go.Bar(x=score.coverage_pct, y=score.name, orientation="h", marker_color=charts.CATEGORICAL[0],
                       text=[f"{v:.0f}%" for v in score.coverage_pct], textposition="outside",
                       hovertext=[f"{n} figures in the database; {m} core items missing" for n, m in zip(score.n_figures, score.n_missing)]))
fig.update_layout(xaxis={"range": [0, 105], "title": "Core profile covered (%)"}, yaxis={"autorange": "reversed"})
charts.style(fig, t("overview_coverage"), t("overview_coverage_sub"), "MC2CM dashboard database (see Data coverage)", height=420)
charts.show(fig, "coverage-by-city", "Horizontal bars of the share of the core migration profile each city covers.", score)
st.page_link("pages/coverage.py", label="See every gap on the Data coverage page", icon=":material/grid_on:")

# --- themes and pilots -------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("overview_themes"))
    themes = lookup("themes")
    for theme in themes[themes.network_theme].itertuples():
        st.markdown(f"- {theme.label}")
    st.page_link("pages/themes.py", label="What the data say for each theme", icon=":material/category:")
with right:
    st.subheader(t("overview_pilots"))
    activities = lookup("network_activities")
    for row in activities[activities.kind == "pilot_project"].itertuples():
        st.markdown(f"- **{row.city}**: {row.detail}")
    st.caption("Source: MC2CM mid-term conference report (Tangier, 2016) and iMAP Urban Hub.")
