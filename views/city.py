"""City profile: key figures with their standing and sources, trends, origins, refugees,
district map, peers, gaps and national context."""
import pandas as pd
import streamlit as st

from analytics.spatial import concentration
from figures import maps as map_figures
from figures.compare import lines_over_time, standing_mark
from figures.profile import national_refugee_lines, top_origins_bars
from figures.style import source_line
from i18n import number, percent
from i18n import value as fmt
from ui.data import call
from ui.geo import area_geojson, boundary_geojson
from ui.render import built, context, link, plain, show, text_table
from ui.briefs import brief_panel
from ui.selection import city_select
from ui.widgets import select

ctx = context()
st.title(ctx.t("city_title"))
city_id = city_select(default="vienna")
city = ctx.city(city_id)
cities = call("reference", "cities").set_index("city_id")
member = cities.loc[city_id]
if "membership" in cities.columns and isinstance(member.get("membership"), str):
    st.caption(plain(ctx.t("membership_line", membership=ctx.label("membership", member.membership))) + (
        " · " + link(member.get("membership_source_url"), ctx.t("evidence")) if link(member.get("membership_source_url")) else ""))

brief_panel("city", ctx, city_id=city_id)

# --- key figures -------------------------------------------------------------------------
profile = call("profile", "key_figures", city_id)
st.header(ctx.t("key_figures", city=city))
if profile.empty:
    st.info(ctx.t("no_data"))
else:
    cards, others = profile[profile.shown_as == "card"], profile[profile.shown_as == "other"]
    if cards.empty:
        st.info(ctx.t("no_official_figures", city=city))
    cols = st.columns(3)
    for i, row in enumerate(cards.itertuples()):
        with cols[i % 3].container(border=True):
            st.metric(ctx.label("indicators", row.indicator_id), fmt(row.value, row.unit, ctx.lang))
            st.caption(plain(f"{int(row.year)} · {ctx.label('concepts', row.concept)} · {row.geo_unit}"))
            st.caption(plain(f"{standing_mark(row.source_type, bool(row.is_estimate), ctx)} · {ctx.t('source_is', publisher=row.publisher)}")
                       + (" · " + link(row.source_url) if link(row.source_url) else ""))
            if row.n_alternatives:
                st.caption(plain(ctx.t("n_other_figures", n=int(row.n_alternatives))))
    if not others.empty:
        st.markdown(f"**{ctx.t('other_figures_title')}**")
        text_table(lambda: pd.DataFrame({
            ctx.t("col_indicator"): [ctx.label("indicators", i) for i in others.indicator_id],
            ctx.t("col_value"): [fmt(v, u, ctx.lang) for v, u in zip(others.value, others.unit)],
            ctx.t("col_year"): others.year.astype(int).astype(str),
            ctx.t("col_territory"): others.geo_unit,
            ctx.t("col_standing"): [standing_mark(s, bool(e), ctx) for s, e in zip(others.source_type, others.is_estimate)],
            ctx.t("source"): others.publisher}), ctx, view=("city-other-figures", (city_id,)))
    st.caption(ctx.t("choice_rule_short"))

# --- trends ------------------------------------------------------------------------------
st.header(ctx.t("trends"))
series = call("profile", "trend_series", city_id)
counts = series.groupby("indicator_id").year.nunique() if not series.empty else pd.Series(dtype=int)
options = [i for i in counts.sort_values(ascending=False).index]
if not options:
    st.info(ctx.t("no_trend"))
else:
    indicator = select(ctx.t("indicator"), options, "trend", format_func=lambda i: ctx.label("indicators", i),
                       default=options[0], kind="segmented")
    chart = built("city-trend", ctx, (city_id, indicator), lambda: lines_over_time(
        series[series.indicator_id == indicator], ctx, ctx.t("trend_title", city=city, indicator=ctx.label("indicators", indicator)),
        colour_by="geo_unit"))
    show(chart, "trend", ctx)

# --- origins -----------------------------------------------------------------------------
st.header(ctx.t("top_origins"))
top = call("origins", "top_origins", city_id, 10)
if top.empty:
    st.info(ctx.t("no_data"))
else:
    show(built("city-origins", ctx, (city_id,), lambda: top_origins_bars(top, ctx, city_id)), "origins", ctx)

# --- refugees ----------------------------------------------------------------------------
st.header(ctx.t("refugees"))
refugees = call("profile", "refugee_figures", city_id)
national = call("profile", "national_refugees", city_id)
if refugees.empty:
    st.info(ctx.t("no_city_refugees", city=city))
else:
    text_table(lambda: pd.DataFrame({ctx.t("col_indicator"): [ctx.label("indicators", i) for i in refugees.indicator_id],
                          ctx.t("col_year"): refugees.year, ctx.t("col_value"): [fmt(v, u, ctx.lang) for v, u in
                                                                                 zip(refugees.value, refugees.unit)],
                          ctx.t("col_territory"): refugees.geo_unit, ctx.t("col_breakdown"): refugees.breakdown,
                          ctx.t("col_standing"): [standing_mark(s, bool(e), ctx) for s, e in
                                                  zip(refugees.source_type, refugees.is_estimate)],
                          ctx.t("source"): refugees.publisher}), ctx, view=("city-refugee-figures", (city_id,)))
if not national.empty:
    show(built("city-refugees", ctx, (city_id,), lambda: national_refugee_lines(national, ctx, city_id)), "refugees", ctx)

# --- district map ------------------------------------------------------------------------
st.header(ctx.t("where_in_city"))
table = call("spatial", "area_table", city_id)
if table.empty:
    geojson = boundary_geojson(city_id)
    if geojson["features"]:
        st.warning(ctx.t("no_district_counts", city=city))
        chart = built("city-bmap", ctx, (city_id,), lambda: map_figures.boundary_map(
            geojson, ctx, ctx.t("boundaries_title", city=city), ctx.t("boundaries_only"), call("spatial", "boundary_sources", city_id)))
        show(chart, "bmap", ctx)
    else:
        st.warning(ctx.t("no_boundaries", city=city))
else:
    sel = table.attrs["selection"]
    group = ctx.label("groups", sel["group_id"])
    title = ctx.t("share_map_title", city=city, group=group, level=ctx.label("area_levels", sel["area_level"]))
    subtitle = ctx.t("share_map_subtitle", year=sel["year"], average=percent(table.attrs["city_share_pct"], ctx.lang)) + (
        " · " + ctx.t("estimates") if table.is_estimate.any() else "")
    chart = built("city-dmap", ctx, (city_id,), lambda: map_figures.choropleth(
        table, area_geojson(city_id, sel["area_level"]), "share_pct", ctx, title, subtitle, ctx.t("share_pct_short")))
    show(chart, "dmap", ctx, table=table.drop(columns=["area_km2"]))
    conc = concentration(table)
    st.markdown(" · ".join(ctx.t("concentration_sentence", n=r.n_areas, group=group.lower(),
                                 share=percent(r.share_of_group_pct, ctx.lang, 0),
                                 residents=percent(r.share_of_population_pct, ctx.lang, 0)) for r in conc.itertuples()))
    st.page_link("views/spatial.py", label=ctx.t("see_spatial"), icon=":material/map:", query_params={"city": city_id})

# --- peers -------------------------------------------------------------------------------
st.header(ctx.t("peers_title"))
try:
    peers = call("peers", "peer_cities", city_id, 4)
except (ImportError, AttributeError):
    peers = pd.DataFrame()
if peers.empty:
    st.info(ctx.t("no_peers", city=city))
else:
    st.caption(ctx.t("peers_method"))
    shown = {ctx.t("brief_col_rank"): peers["rank"], ctx.t("col_city"): [ctx.city(c) for c in peers.city_id],
             ctx.t("brief_col_distance"): peers.distance.round(3), ctx.t("col_indicators_used"): peers.n_indicators_used,
             ctx.t("brief_col_reasons"): [ctx.peer_reasons(r) for r in peers.reasons]}
    for key in ("size", "migrant_share", "refugee_share"):
        if f"{key}_value_peer" in peers:
            unit = "persons" if key == "size" else "percent"
            shown[ctx.t(f"peer_input_{key}")] = [
                "" if pd.isna(v) else f"{fmt(v, unit, ctx.lang)} ({int(y)})" if pd.notna(y) else fmt(v, unit, ctx.lang)
                for v, y in zip(peers[f"{key}_value_peer"], peers[f"{key}_year_peer"])]
    text_table(pd.DataFrame(shown), ctx, view=("city-peers", (city_id,)))
    st.page_link("views/compare.py", label=ctx.t("compare_with_peers"), icon=":material/bar_chart:",
                 query_params={"cities": ",".join([city_id, *peers.city_id])})

# --- since the 2016 City Migration Profile -------------------------------------------------
changes = call("profile", "changes_since_2016", city_id)
st.header(ctx.t("since_2016_title"))
if changes.empty:
    st.info(ctx.t("since_2016_none", city=city))
else:
    st.caption(ctx.t("since_2016_note"))
    text_table(lambda: pd.DataFrame({
        ctx.t("col_indicator"): [ctx.label("indicators", i) for i in changes.indicator_id],
        ctx.t("col_profile_value"): [f"{fmt(v, u, ctx.lang)} ({y})" for v, u, y in
                                     zip(changes.profile_value, changes.unit, changes.profile_year)],
        ctx.t("col_latest_value"): [f"{fmt(v, u, ctx.lang)} ({int(y)})" if pd.notna(v) else ctx.t("no_later_official")
                                    for v, u, y in zip(changes.latest_value, changes.unit, changes.latest_year)],
        ctx.t("col_change"): ["" if pd.isna(c) else (fmt(c, u, ctx.lang) if u != "percent" else
                                                     f"{c:+.1f} {ctx.t('points')}") for c, u in zip(changes.change, changes.unit)],
        ctx.t("col_caveat"): ["⚠ " + "; ".join(ctx.t(f"change_{c}") for c in codes) if codes else "" for codes in changes.change_codes],
        ctx.t("source"): changes.latest_publisher.fillna("")}), ctx, view=("city-since-2016", (city_id,)))

# --- gaps and national context -------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.header(ctx.t("gap_title"))
    missing = call("coverage", "missing_core_indicators", [city_id])
    if missing.empty:
        st.success(ctx.t("no_core_gaps"))
    else:
        st.markdown("\n".join(f"- {plain(ctx.label('indicators', m) if m != 'district_counts' else ctx.t('district_counts'))}"
                              for m in missing.missing))
with right:
    st.header(ctx.t("national_context"))
    vs = call("compare", "city_vs_country", [city_id])
    row = vs.iloc[0]
    if pd.notna(row.get("national_share")):
        st.metric(ctx.t("national_share_label", year=int(row.national_year)), percent(row.national_share, ctx.lang))
        text = ctx.label("concepts", row.national_concept) + ". "
        if pd.notna(row.get("city_share")):
            text += ctx.t("city_figure_line", share=percent(row.city_share, ctx.lang), year=int(row.city_year),
                          unit=row.city_geo_unit) + " "
        text += ctx.t("same_concept" if row.same_concept else "different_concepts")
        st.caption(plain(text))
    else:
        st.info(ctx.t("no_national_share"))
