"""Data explorer: filter the figures and the district counts, see them with their sources,
and download exactly what is shown (CSV, Excel, Parquet, ZIP bundle with metadata)."""
from urllib.parse import urlencode

import streamlit as st

from analytics import export
from analytics.rules import GEO_LEVELS, SOURCE_TYPES
from ui.data import call, cursor, lookup
from ui.render import context, readable
from ui.selection import all_cities
from ui.widgets import multiselect, select, year_range

ctx = context()
st.title(ctx.t("explorer_title"))
st.markdown(ctx.t("explorer_intro"))
everyone = all_cities()
indicator_ids = sorted(ctx.labels["indicators"], key=lambda i: ctx.label("indicators", i))
themes = lookup("themes")
c1, c2, c3 = st.columns(3)
cities = multiselect(ctx.t("cities"), everyone, "cities", format_func=ctx.city, container=c1)
indicators = multiselect(ctx.t("indicators"), indicator_ids, "indicators", format_func=lambda i: ctx.label("indicators", i),
                         container=c2)
concept_ids = multiselect(ctx.t("concepts"), list(ctx.labels["concepts"]), "concepts",
                          format_func=lambda c: ctx.label("concepts", c), container=c3)
c4, c5, c6 = st.columns(3)
theme_ids = multiselect(ctx.t("themes"), list(themes.theme_id), "themes", format_func=lambda th: ctx.label("themes", th),
                        container=c4)
levels = multiselect(ctx.t("territory_level"), list(GEO_LEVELS), "levels", format_func=lambda g: ctx.label("geo_levels", g),
                     container=c5)
source_types = multiselect(ctx.t("source_type"), list(SOURCE_TYPES), "source_types",
                           format_func=lambda s: ctx.label("source_types", s), container=c6)
years = year_range(ctx.t("years"), "years", 1990, 2026)
filters = {"cities": list(cities), "indicators": list(indicators), "concepts": list(concept_ids), "themes": list(theme_ids),
           "geo_levels": list(levels), "source_types": list(source_types), "years": list(years)}
filters = {k: v for k, v in filters.items() if v}
table = call("export", "observations_table", tuple(cities), tuple(indicators), tuple(concept_ids), tuple(theme_ids),
             tuple(levels), tuple(source_types), tuple(years))
st.markdown(ctx.t("explorer_counts", n=f"{len(table):,}", sources=table.source_id.nunique(), cities=table.city_id.nunique(),
                  estimates=int(table.is_estimate.sum()), disagree=int(table.flag.str.contains("disagreement").sum())))
st.dataframe(readable(table, ctx), hide_index=True, width="stretch", column_config={
    "source_url": st.column_config.LinkColumn(ctx.t("source_url")), "value": st.column_config.NumberColumn(format="%.2f")})


def view_url() -> str:
    """The link of exactly this view (every control's id is in the query string)."""
    base = (st.context.url or "").split("?")[0]
    params = dict(st.query_params)
    return base + ("?" + urlencode(params) if params else "")


def with_cursor(make):
    """Deferred download: the file is generated only when the button is clicked."""
    def generate():
        con = cursor()
        try:
            return make(con)
        finally:
            con.close()
    return generate


st.subheader(ctx.t("download"))
d1, d2, d3, d4 = st.columns(4)
d1.download_button(ctx.t("download_csv"), lambda: export.to_csv_bytes(table), "mc2cm-observations.csv", "text/csv",
                   icon=":material/download:")
d2.download_button(ctx.t("download_excel"), with_cursor(lambda con: export.to_excel_bytes(con, table)),
                   "mc2cm-observations.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   icon=":material/download:")
d3.download_button(ctx.t("download_parquet"), lambda: export.to_parquet_bytes(table), "mc2cm-observations.parquet",
                   "application/octet-stream", icon=":material/download:")
d4.download_button(ctx.t("download_zip"), with_cursor(lambda con: export.zip_bundle(con, table, filters, view_url())),
                   "mc2cm-observations.zip", "application/zip", icon=":material/folder_zip:")
st.download_button(ctx.t("download_full"), with_cursor(lambda con: export.export(con, {}, "zip", view_url())),
                   "mc2cm-full.zip", "application/zip", icon=":material/database:")
with st.expander(ctx.t("how_to_cite")):
    st.code(call("export", "citation", table, view_url()), language=None)
st.caption(ctx.t("explorer_cli", version=ctx.data_version))

st.subheader(ctx.t("district_counts"))
with_counts = [c for c in everyone if c in set(call("export", "cities_with_area_counts"))]
area_city = select(ctx.t("city"), with_counts, "area_city", format_func=ctx.city, default=with_counts[0] if with_counts else None,
                   what=ctx.t("what_city"))
if area_city:
    areas = call("export", "area_counts_table", area_city)
    st.markdown(ctx.t("district_counts_line", n=f"{len(areas):,}", areas=areas.area_id.nunique(),
                      years=", ".join(str(y) for y in sorted(areas.year.unique()))))
    st.dataframe(readable(areas, ctx), hide_index=True, width="stretch",
                 column_config={"source_url": st.column_config.LinkColumn(ctx.t("source_url"))})
    a1, a2 = st.columns(2)
    a1.download_button(ctx.t("download_district_csv"), lambda: export.to_csv_bytes(areas), f"mc2cm-area-counts-{area_city}.csv",
                       "text/csv")
    a2.download_button(ctx.t("download_geojson"), with_cursor(lambda con: export.areas_geojson_bytes(con, area_city)),
                       f"mc2cm-areas-{area_city}.geojson", "application/geo+json")
