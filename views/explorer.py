"""Data explorer: filter the figures and the district counts, see them with their sources,
and download exactly what is shown (CSV, Excel, Parquet, ZIP bundle with metadata)."""
import streamlit as st

from analytics import export, spatial
from analytics.rules import GEO_LEVELS, SOURCE_TYPES
from ui.data import cached, cursor, lookup
from i18n import number
from ui.render import context, readable, view_url
from ui.selection import all_cities
from ui.widgets import multiselect, select, year_range

PAGE_ROWS = 500
FORMATS = (("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
           ("parquet", "application/octet-stream"), ("zip", "application/zip"))
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
# Counted and paged in DuckDB: only the rows on screen reach pandas and the browser.
summary = cached(export.observations_summary, filters)
st.markdown(ctx.t("explorer_counts", n=number(summary["n"], ctx.lang), sources=summary["sources"], cities=summary["cities"],
                  estimates=summary["estimates"], disagree=summary["disagree"]))
pages = max(1, -(-summary["n"] // PAGE_ROWS))
page_no = select(ctx.t("page_of", n=pages), list(range(1, pages + 1)), "page", default=1, what=ctx.t("what_page")) \
    if pages > 1 else 1
rows = cached(export.observations_page, filters, PAGE_ROWS, (page_no - 1) * PAGE_ROWS)
st.dataframe(readable(rows, ctx), hide_index=True, width="stretch", column_config={
    "source_url": st.column_config.LinkColumn(ctx.t("source_url")), "value": st.column_config.NumberColumn(format="localized")})


def with_cursor(make):
    """Deferred download: the file is written from DuckDB only when the button is clicked."""
    def generate():
        con = cursor()
        try:
            return make(con)
        finally:
            con.close()
    return generate


def downloads(dataset: str, chosen: dict, stem: str, key: str) -> None:
    """CSV, Excel, Parquet and ZIP bundle (datapackage, README, SQL, citation) of exactly this view."""
    columns = st.columns(4)
    for column, (fmt, mime) in zip(columns, FORMATS):
        column.download_button(ctx.t(f"download_{fmt}"), with_cursor(lambda con, f=fmt: export.export(con, chosen, f, view_url(),
                                                                                                         dataset=dataset)),
                               f"{stem}.{fmt}", mime, icon=":material/download:", key=f"{key}_{fmt}")


st.header(ctx.t("download"))
downloads("observations", filters, "mc2cm-observations", "obs")
st.download_button(ctx.t("download_full"), with_cursor(lambda con: export.export(con, {}, "zip", view_url())),
                   "mc2cm-full.zip", "application/zip", icon=":material/database:")
with st.expander(ctx.t("how_to_cite")):
    st.code(cached(export.citation_for, filters, view_url()), language=None)
st.caption(ctx.t("explorer_cli", version=ctx.data_version))

# --- district counts ------------------------------------------------------------------------
st.header(ctx.t("district_counts"))
have_counts = set(cached(export.cities_with_area_counts))
with_counts = [c for c in everyone if c in have_counts]
area_city = select(ctx.t("city"), with_counts, "area_city", format_func=ctx.city, default=with_counts[0] if with_counts else None,
                   what=ctx.t("what_city"))
if area_city:
    options = cached(spatial.group_options, area_city)
    d1, d2, d3 = st.columns(3)
    groups = multiselect(ctx.t("group"), sorted(set(options.group_id) | {"total"}), "area_groups",
                         format_func=lambda g: ctx.label("groups", g), container=d1)
    area_levels = multiselect(ctx.t("area_level"), sorted(set(options.area_level)), "area_levels",
                              format_func=lambda v: ctx.label("area_levels", v), container=d2)
    available = cached(export.years_available, [area_city], groups or None, area_levels or None)
    area_years = multiselect(ctx.t("years"), available, "area_years", container=d3)
    area_filters = {k: v for k, v in {"cities": [area_city], "groups": groups, "area_levels": area_levels,
                                       "years": area_years}.items() if v}
    areas = cached(export.area_counts_table, [area_city], area_years or None, groups or None, area_levels or None)
    st.markdown(ctx.t("district_counts_line", n=number(len(areas), ctx.lang), areas=areas.area_id.nunique(),
                      years=export.format_years(areas.year.unique()) if not areas.empty else "—"))
    st.dataframe(readable(areas.head(PAGE_ROWS), ctx), hide_index=True, width="stretch",
                 column_config={"source_url": st.column_config.LinkColumn(ctx.t("source_url"))})
    downloads("area_counts", area_filters, f"mc2cm-area-counts-{area_city}", "areas")
    st.download_button(ctx.t("download_geojson"), with_cursor(lambda con: export.areas_geojson_bytes(con, area_city)),
                       f"mc2cm-areas-{area_city}.geojson", "application/geo+json", key="areas_geojson")
