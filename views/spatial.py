"""Spatial distribution: share, location quotient and LISA maps, segregation indices with
p-values and caveats, indices at two levels, and cross-city views on a selection."""
import pandas as pd
import streamlit as st

from analytics import spatial
from figures import maps as map_figures
from figures.profile import dissimilarity_bars
from figures.style import source_line
from i18n import number, percent
from ui.data import cached
from ui.geo import area_geojson, boundary_geojson
from ui.render import built, context, plain, show, text_table
from ui.selection import city_select, city_selection, default_for
from ui.widgets import select

ctx = context()
st.title(ctx.t("spatial_title"))
c1, c2, c3, c4 = st.columns(4)
city_id = city_select(default="madrid", container=c1)
city = ctx.city(city_id)
options = cached(spatial.group_options, city_id)
MAP_KINDS = ["share", "lq", "lisa"]

if options.empty:
    geojson = boundary_geojson(city_id)
    if geojson["features"]:
        st.warning(ctx.t("spatial_no_counts", city=city))
        show(built("spatial-bmap", ctx, (city_id,), lambda: map_figures.boundary_map(
            geojson, ctx, ctx.t("boundaries_title", city=city), ctx.t("boundaries_only"),
            cached(spatial.boundary_sources, city_id), height=560)), "bmap", ctx)
    else:
        st.warning(ctx.t("no_boundaries", city=city))
else:
    default = cached(spatial.default_selection, city_id)
    group_id = select(ctx.t("group"), list(dict.fromkeys(options.group_id)), "group", format_func=lambda g: ctx.label("groups", g),
                      default=default["group_id"], what=ctx.t("what_group"), container=c2)
    rows = options[options.group_id == group_id]
    level = select(ctx.t("area_level"), list(rows.area_level), "level", format_func=lambda v: ctx.label("area_levels", v),
                   default=rows.sort_values("n_units").area_level.iloc[-1], what=ctx.t("what_level"), container=c3)
    years = sorted((int(y) for y in rows[rows.area_level == level].years.iloc[0]), reverse=True)
    year = select(ctx.t("year"), years, "year", default=years[0], what=ctx.t("what_year"), container=c4)
    table = cached(spatial.area_table, city_id, group_id, year, level)
    group = ctx.label("groups", group_id)
    level_label = ctx.label("area_levels", level)
    est = (" · " + ctx.t("estimates")) if table.is_estimate.any() else ""
    kind = select(ctx.t("map"), MAP_KINDS, "map", format_func=lambda k: ctx.t(f"map_{k}"), default="share", kind="segmented")

    def area_map():
        """The map of the chosen kind (None: too few areas for LISA)."""
        geojson = area_geojson(city_id, level)
        if kind == "share":
            return map_figures.choropleth(
                table, geojson, "share_pct", ctx, ctx.t("share_map_title", city=city, group=group, level=level_label),
                ctx.t("share_map_subtitle", year=year, average=percent(table.attrs["city_share_pct"], ctx.lang))
                + f" · {len(table)} {level_label}{est}", ctx.t("share_pct_short"))
        if kind == "lq":
            return map_figures.choropleth(table, geojson, "location_quotient", ctx, ctx.t("lq_map_title", city=city, group=group),
                                          ctx.t("lq_map_subtitle", year=year) + est, ctx.t("lq_short"), diverging=True)
        lisa = cached(spatial.lisa_table, city_id, group_id, year, level)
        if lisa.empty:
            return None
        lisa = lisa.assign(cluster=lisa.cluster.str.lower().str.replace("-", "_").str.replace(" ", "_"))
        return map_figures.categorical_map(lisa, geojson, ctx, ctx.t("lisa_map_title", city=city, group=group),
                                           ctx.t("lisa_map_subtitle", year=year) + est, source_line(table, lang=ctx.lang))

    chart = built("spatial-map", ctx, (city_id, group_id, year, level, kind), area_map)
    if chart is not None:
        show(chart, f"map_{kind}", ctx)
    elif kind == "lisa":
        st.info(ctx.t("too_few_areas"))

    st.header(ctx.t("segregation_indices"))
    indices = cached(spatial.segregation_indices, city_id, group_id, year, level)
    text_table(lambda: pd.DataFrame({
        ctx.t("col_index"): [ctx.t(f"index_{i}") for i in indices["index"]],
        ctx.t("col_value"): indices.value.round(3),
        ctx.t("col_p_value"): indices.p_value.round(3),
        ctx.t("col_units"): indices.n_units,
        ctx.t("col_caveat"): [ctx.caveat(c) if c else "" for c in indices.caveat_codes],
        ctx.t("col_citation"): indices.citation}), ctx, view=("spatial-indices", (city_id, group_id, year, level)))
    st.caption(ctx.t("indices_note"))

    levels = cached(spatial.indices_by_level, city_id, group_id, year)
    if not levels.empty:
        st.header(ctx.t("scale_title"))
        st.markdown(ctx.t("scale_explanation"))
        wide = levels.pivot_table(index="index", columns="area_level", values="value", aggfunc="first")
        units = levels.groupby("area_level").n_units.first()
        wide.columns = [f"{ctx.label('area_levels', c)} ({units[c]})" for c in wide.columns]
        wide.index = [ctx.t(f"index_{i}") for i in wide.index]
        st.dataframe(wide.round(3), width="stretch")

# --- across cities -----------------------------------------------------------------------
st.header(ctx.t("across_network"))
selected = city_selection(default=default_for(None))
cross = cached(spatial.cross_city_indices, selected)
if cross.empty:
    st.info(ctx.t("no_cross_city"))
else:
    show(built("spatial-cross", ctx, (selected,), lambda: dissimilarity_bars(cross, ctx)), "cross", ctx)
SMALL_MULTIPLES_MAX = 12  # small maps stay legible (and cheap) for at most this many cities
small = cached(spatial.small_multiples, 6, selected[:SMALL_MULTIPLES_MAX])
if len(selected) > SMALL_MULTIPLES_MAX:
    st.caption(ctx.t("small_multiples_cap", n=SMALL_MULTIPLES_MAX))
if not small.empty:
    pooled_kind = select(ctx.t("classes"), ["pooled", "within"], "classes", format_func=lambda k: ctx.t(f"classes_{k}"),
                         default="pooled", kind="segmented")


    def small_maps():
        geojsons = {cid: area_geojson(cid, part.area_level.iloc[0], detail="small") for cid, part in small.groupby("city_id")}
        column = "class_index" if pooled_kind == "pooled" else "within_class_index"
        return map_figures.small_multiples(small, geojsons, ctx, ctx.t("small_multiples_title"),
                                           ctx.t(f"small_multiples_subtitle_{pooled_kind}"), column=column)

    show(built("spatial-small-multiples", ctx, (selected[:SMALL_MULTIPLES_MAX], pooled_kind), small_maps), "sm", ctx)
    one_class = sorted({ctx.city(c) for c in small[small.n_pooled_classes <= 1].city_id})
    if one_class and pooled_kind == "pooled":
        st.caption(plain(ctx.t("one_class_note", cities=", ".join(one_class))))
