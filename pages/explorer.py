"""Data explorer: filter the observations and district counts, download what you see."""
from ui.boot import ensure_router

ensure_router()

import streamlit as st

from analytics.export import to_csv_bytes

from ui.data import call, city_names, concept_labels, indicator_labels, lookup
from ui.texts import t
from ui.widgets import multiselect

st.title(t("explorer_title"))
names = city_names()
labels = indicator_labels()
concepts = concept_labels()
c1, c2, c3 = st.columns(3)
cities = multiselect("Cities", list(names), "cities", format_func=names.get, container=c1)
indicators = multiselect("Indicators", list(labels), "indicators", format_func=labels.get, container=c2)
concept_ids = multiselect("Concepts", list(concepts), "concepts", format_func=concepts.get, container=c3)
themes = lookup("themes")
c4, c5, c6 = st.columns(3)
theme_ids = multiselect("Themes", list(themes.theme_id), "themes", format_func=dict(zip(themes.theme_id, themes.label)).get, container=c4)
levels = multiselect("Territory level", ["municipality", "governorate", "metropolitan", "region", "district", "national"], "levels", container=c5)
source_types = multiselect("Source type", ["official_statistics", "city_administration", "un_agency", "research", "secondary", "estimate"],
                           "source_types", container=c6)
years = st.slider("Years", 1990, 2026, (1990, 2026), key="years")
table = call("export", "observations_table", tuple(cities), tuple(indicators), tuple(concept_ids), tuple(theme_ids), tuple(levels),
             tuple(source_types), years)
st.markdown(f"**{len(table):,}** figures from **{table.source_id.nunique()}** sources in **{table.city_id.nunique()}** cities.")
st.dataframe(table, hide_index=True, width="stretch", column_config={"source_url": st.column_config.LinkColumn("source URL")})
st.download_button("Download these rows (CSV, UTF-8)", to_csv_bytes(table), "mc2cm-observations.csv", "text/csv",
                   icon=":material/download:")

st.subheader("District counts")
d1, d2 = st.columns(2)
area_city = d1.selectbox("City", [c for c in names if c in set(call("export", "cities_with_area_counts"))], format_func=names.get, key="area_city")
areas = call("export", "area_counts_table", area_city)
st.dataframe(areas, hide_index=True, width="stretch")
st.download_button("Download district counts (CSV)", to_csv_bytes(areas), f"mc2cm-area-counts-{area_city}.csv", "text/csv")
