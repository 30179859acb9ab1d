"""City profile: key figures with sources, trends, origins, refugees, district map, gaps, national context."""
import pandas as pd
import plotly.express as px
import streamlit as st

from analytics.spatial import concentration
from ui.boot import ensure_router
from ui import charts, maps
from ui.data import call, city_names, concept_labels, group_labels
from ui.texts import t
from ui.widgets import select

ensure_router()

names = city_names()
st.title(t("city_title"))
city_id = select("City", list(names), "city", format_func=names.get, default="vienna", what="city")
city = names[city_id]
concepts = concept_labels()

# --- key figures -------------------------------------------------------------------------
profile = call("profile", "key_figures", city_id)
st.subheader(f"{city}: key figures")
if profile.empty:
    st.info(t("no_data"))
else:
    cols = st.columns(4)
    for i, row in enumerate(profile.itertuples()):
        with cols[i % 4].container(border=True):
            value = f"{row.value:.1f}%" if row.unit == "percent" else f"{row.value:,.0f}"
            st.metric(row.indicator_label, value + (" (est.)" if row.is_estimate else ""))
            st.caption(f"{row.year} · {concepts.get(row.concept, row.concept)} · {row.geo_unit}  \n"
                       f"Source: [{row.publisher}]({row.source_url})")

# --- trends ------------------------------------------------------------------------------
st.subheader("Trends")
series = call("profile", "trend_series", city_id)
if series.empty:
    st.info("No time series for this city in the sources available.")
else:
    indicator = st.segmented_control("Indicator", sorted(series.indicator_label.unique()), key="trend_indicator",
                                     default=sorted(series.indicator_label.unique())[0])
    data = series[series.indicator_label == indicator] if indicator else series.iloc[0:0]
    if not data.empty:
        data = data.assign(territory=data.geo_unit)
        fig = px.line(data, x="year", y="value", color="territory", markers=True,
                      hover_data={"publisher": True, "concept": True, "is_estimate": True})
        charts.style(fig, f"{city}: {indicator}", "Each line is one territory; points carry their own source (hover)",
                     charts.source_line(data))
        charts.show(fig, f"{city}-{indicator}-trend", f"Line chart of {indicator} in {city} by year and territory.",
                    data[["year", "value", "unit", "geo_unit", "concept", "publisher", "source_url", "is_estimate"]], key="trend")

left, right = st.columns(2)
# --- origins -----------------------------------------------------------------------------
with left:
    st.subheader("Top origins")
    top = call("origins", "top_origins", city_id, 10)
    if top.empty:
        st.info(t("no_data"))
    else:
        level = top.level.iloc[0]
        fig = px.bar(top, x="value", y="origin", orientation="h", color_discrete_sequence=[charts.CATEGORICAL[0]],
                     hover_data={"share_pct": ":.1f", "year": True, "publisher": True})
        fig.update_yaxes(autorange="reversed", title=None)
        fig.update_xaxes(title="persons")
        sub = f"{top.basis.iloc[0]}, {top.year.max()}" + (" · NATIONAL figures: no city data" if level == "national" else "")
        charts.style(fig, f"Where {city}'s migrants come from", sub, charts.source_line(top))
        charts.show(fig, f"{city}-origins", f"Bar chart of the ten largest origins of migrants ({level} data).", top, key="origins")

# --- refugees ----------------------------------------------------------------------------
with right:
    st.subheader("Refugees and asylum")
    refugees = call("profile", "refugee_figures", city_id)
    national = call("profile", "national_refugees", city_id)
    if refugees.empty:
        st.info(f"No city-level refugee or asylum figures for {city} in the sources available; national figures below.")
    else:
        st.dataframe(refugees, hide_index=True, width="stretch",
                     column_config={"source_url": st.column_config.LinkColumn("source")})
    if not national.empty:
        fig = px.line(national, x="year", y="value", color="indicator", markers=True)
        charts.style(fig, f"{national.country.iloc[0]}: refugees and asylum seekers (national)",
                     "UNHCR end-year stocks; UNRWA Palestine refugees where relevant", "UNHCR Refugee Data Finder; UNRWA via UNHCR")
        charts.show(fig, f"{city}-national-refugees", "Line chart of national refugee and asylum-seeker stocks.", national, key="refugees")

# --- district map ------------------------------------------------------------------------
st.subheader("Where migrants live in the city")
table = call("spatial", "area_table", city_id)
if table.empty:
    st.warning(f"No counts of migrants by district for {city} in the sources available: the map shows the boundaries only.")
    fig = maps.boundary_map(city_id)
    charts.style(fig, f"{city}: districts", "Boundaries only: migrant counts by district are not available", maps.boundary_source(city_id))
    charts.show(fig, f"{city}-boundaries", f"Map of the district boundaries of {city}, without data.", key="bmap")
else:
    sel = table.attrs["selection"]
    label = group_labels().get(sel["group_id"], sel["group_id"])
    fig = maps.choropleth(city_id, table, "share_pct", f"{label} (%)")
    charts.style(fig, f"{city}: {label}, share of residents by {sel['area_level'].replace('_', ' ')}",
                 f"{sel['year']} · city average {table.attrs['city_share_pct']:.1f}%" + (" · estimates" if table.is_estimate.any() else ""),
                 charts.source_line(table), height=560)
    charts.show(fig, f"{city}-{sel['group_id']}-map", f"Choropleth map of the share of {label} by area.",
                table.drop(columns=["area_km2"]), key="dmap")
    conc = concentration(table)
    st.markdown(" · ".join(f"The **{r.n_areas}** areas with most {label.lower()} hold **{r.share_of_group_pct:.0f}%** of them "
                           f"(and {r.share_of_population_pct:.0f}% of all residents)" for r in conc.itertuples()))
    st.page_link("pages/spatial.py", label="Segregation indices and clusters", icon=":material/map:",
                 query_params={"city": city})

# --- gaps and national context -------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.subheader(t("gap_title"))
    missing = call("coverage", "missing_core_indicators")
    missing = missing[missing.city_id == city_id]
    if missing.empty:
        st.success("Every core indicator has at least one figure.")
    for row in missing.itertuples():
        st.markdown(f"- {row.label}")
with right:
    st.subheader("National context")
    vs = call("compare", "city_vs_country", [city_id])
    row = vs.iloc[0]
    if pd.notna(row.get("national_share")):
        st.metric(f"Migrants in {row.get('national_year')}, national (UN DESA 2024)", f"{row.national_share:.1f}%")
        st.caption(f"{concepts.get(row.national_concept, row.national_concept)}; mid-year stock. "
                   + (f"City figure: {row.city_share:.1f}% ({row.city_year}, {row.city_geo_unit}). " if pd.notna(row.get('city_share')) else "")
                   + row.caveat)
