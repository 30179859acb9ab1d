"""Data explorer: filter the observations and district counts; download what you see (CSV,
Excel, Parquet, ZIP bundle with metadata) or the full dataset; GeoJSON of a city's areas."""
from urllib.parse import urlencode

import streamlit as st

from analytics import export
from ui.boot import ensure_router
from ui.data import call, city_names, concept_labels, cursor, indicator_labels, lookup
from ui.texts import t
from ui.widgets import multiselect

ensure_router()

st.title(t("explorer_title"))
st.markdown("Filter the figures, check their sources, and download exactly what you see, with its metadata and citation.")
names = city_names()
labels = indicator_labels()
concepts = concept_labels()
themes = lookup("themes")
c1, c2, c3 = st.columns(3)
cities = multiselect("Cities", list(names), "cities", format_func=names.get, container=c1)
indicators = multiselect("Indicators", list(labels), "indicators", format_func=labels.get, container=c2)
concept_ids = multiselect("Concepts", list(concepts), "concepts", format_func=concepts.get, container=c3)
c4, c5, c6 = st.columns(3)
theme_ids = multiselect("Themes", list(themes.theme_id), "themes", format_func=dict(zip(themes.theme_id, themes.label)).get, container=c4)
levels = multiselect("Territory level", ["municipality", "governorate", "metropolitan", "region", "district", "national"], "levels", container=c5)
source_types = multiselect("Source type", ["official_statistics", "city_administration", "un_agency", "research", "secondary", "estimate"],
                           "source_types", container=c6)
years = st.slider("Years", 1990, 2026, (1990, 2026), key="years")
filters = {"cities": list(cities), "indicators": list(indicators), "concepts": list(concept_ids), "themes": list(theme_ids),
           "geo_levels": list(levels), "source_types": list(source_types), "years": list(years)}
filters = {k: v for k, v in filters.items() if v}
table = call("export", "observations_table", tuple(cities), tuple(indicators), tuple(concept_ids), tuple(theme_ids),
             tuple(levels), tuple(source_types), tuple(years))
st.markdown(f"**{len(table):,}** figures · **{table.source_id.nunique()}** sources · **{table.city_id.nunique()}** cities · "
            f"{int(table.is_estimate.sum())} estimates · {int(table.flag.str.contains('disagreement').sum())} figures that another source contradicts")
st.dataframe(table, hide_index=True, width="stretch", column_config={
    "source_url": st.column_config.LinkColumn("source URL"), "value": st.column_config.NumberColumn(format="%.2f"),
    "is_estimate": st.column_config.CheckboxColumn("estimate")})

view_url = (st.context.url or "").split("?")[0] + ("?" + urlencode(dict(st.query_params), doseq=True) if st.query_params else "")


def _with_cursor(make):
    """Deferred download: the file is generated only when the button is clicked."""
    def generate():
        con = cursor()
        try:
            return make(con)
        finally:
            con.close()
    return generate


st.subheader("Download")
d1, d2, d3, d4 = st.columns(4)
d1.download_button("CSV (as shown)", lambda: export.to_csv_bytes(table), "mc2cm-observations.csv", "text/csv",
                   icon=":material/download:")
d2.download_button("Excel (data, sources, definitions)", _with_cursor(lambda con: export.to_excel_bytes(con, table)),
                   "mc2cm-observations.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/download:")
d3.download_button("Parquet", lambda: export.to_parquet_bytes(table), "mc2cm-observations.parquet", "application/octet-stream",
                   icon=":material/download:")
d4.download_button("ZIP bundle (CSV + datapackage + README + SQL)",
                   _with_cursor(lambda con: export.zip_bundle(con, table, filters, view_url)),
                   "mc2cm-observations.zip", "application/zip", icon=":material/folder_zip:")
st.download_button("Full dataset (ZIP bundle, all figures)", _with_cursor(lambda con: export.export(con, {}, "zip", view_url)),
                   "mc2cm-full.zip", "application/zip", icon=":material/database:")
with st.expander("How to cite this download"):
    st.code(call("export", "citation", table, view_url), language=None)
st.caption(f"Data version {call('export', 'data_version')}. The same without the browser: "
           "`python -m analytics export --city madrid --format zip -o madrid.zip` (see docs/downloads.md).")

st.subheader("District counts")
with_counts = [c for c in names if c in set(call("export", "cities_with_area_counts"))]
area_city = st.selectbox("City", with_counts, format_func=names.get, key="area_city")
areas = call("export", "area_counts_table", area_city)
st.markdown(f"**{len(areas):,}** counts · {areas.area_id.nunique()} areas · years {areas.year.min()}–{areas.year.max()}")
st.dataframe(areas, hide_index=True, width="stretch", column_config={"source_url": st.column_config.LinkColumn("source URL")})
a1, a2 = st.columns(2)
a1.download_button("District counts (CSV)", lambda: export.to_csv_bytes(areas), f"mc2cm-area-counts-{area_city}.csv", "text/csv")
a2.download_button("Areas with latest counts (GeoJSON)", _with_cursor(lambda con: export.areas_geojson_bytes(con, area_city)),
                   f"mc2cm-areas-{area_city}.geojson", "application/geo+json")
