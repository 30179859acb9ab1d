"""Overview: every city on the map, a sortable table of all cities, headline cards for the
selection, what is unknown, the network's themes and pilot projects."""
import pandas as pd
import streamlit as st

from analytics import compare, coverage
from figures import maps as map_figures
from figures.compare import standing_mark
from figures.profile import coverage_bars
from i18n import number, value as format_value  # shares as every medium writes them (two decimals below 1 %)
from ui.data import cached, lookup
from ui.render import arrow_table, built, context, link, plain, show
from ui.selection import all_cities, city_selection

ctx = context()
st.title(ctx.t("overview_title"))
st.markdown(plain(ctx.t("overview_intro", n=len(all_cities()))))


# every city with its headline share and population (analytics.compare.every_city: the API gives the same rows)
frame = built("overview-frame", ctx, (), lambda: cached(compare.every_city))

# --- map of every city -------------------------------------------------------------------
chart = built("overview-map", ctx, (), lambda: map_figures.network_map(
    frame, lookup("world_countries"), ctx, ctx.t("overview_map_title"), ctx.t("overview_map_sub")))
show(chart, "network_map", ctx)

# --- every city, sortable ----------------------------------------------------------------
st.header(ctx.t("overview_table"))


def city_table() -> pd.DataFrame:
    """The sortable table of every city, in the reader's language."""
    table = pd.DataFrame({
        ctx.t("col_city"): [ctx.city(c) for c in frame.city_id],
        ctx.t("col_membership"): [ctx.label("membership", m) for m in frame.get("membership", pd.Series([""] * len(frame)))],
        ctx.t("col_share"): frame.value.astype(float).round(1),
        ctx.t("col_year"): frame.year_used.astype(float),
        ctx.t("col_share_territory"): [ctx.territory(u, c, lv) if isinstance(u, str) else ""
                                       for u, c, lv in zip(frame.geo_unit, frame.city_id, frame.geo_level)],
        ctx.t("col_concept"): [ctx.label("concepts", c) for c in frame.concept],
        ctx.t("col_standing"): [standing_mark(s, bool(e), ctx) if isinstance(s, str) else "" for s, e in
                                zip(frame.source_type, frame.is_estimate)],
        ctx.t("col_population"): frame.population,
        ctx.t("col_pop_year"): frame.pop_year.astype(float),
        ctx.t("col_pop_territory"): [("" if not isinstance(u, str) else name if same or pd.isna(v)
                                      else f"⚠ {name} ({ctx.t('other_territory')})")
                                     for u, name, same, v in zip(frame.pop_unit,
                                                                 [ctx.territory(u, c, lv) for u, c, lv in
                                                                  zip(frame.pop_unit, frame.city_id, frame.pop_level)],
                                                                 frame.pop_same_territory.fillna(False), frame.value)],
    })
    # Streamlit's grid draws a missing number as "None": columns with gaps are shown as formatted text (the
    # table is ordered by the share, missing last); complete columns stay numbers and sort.
    table = table.assign(_share=frame.value.to_numpy()).sort_values("_share", ascending=False, na_position="last")
    table[ctx.t("col_share")] = [format_value(v, "percent", ctx.lang) if pd.notna(v) else "" for v in table.pop("_share")]
    for column in (ctx.t("col_year"), ctx.t("col_pop_year")):
        table[column] = ["" if pd.isna(v) else str(int(v)) for v in table[column]]
    return arrow_table(table)


table = built("overview-table", ctx, (), city_table)
st.dataframe(table, hide_index=True, width="stretch",
             column_config={ctx.t("col_population"): st.column_config.NumberColumn(format="localized")})
st.caption(ctx.t("standing_legend"))

# --- headline cards for the selection ----------------------------------------------------
st.header(ctx.t("overview_cards"))
selected = city_selection()
cards = frame[frame.city_id.isin(selected)].sort_values("name")
columns = st.columns(4)
for i, row in enumerate(cards.itertuples()):
    with columns[i % 4].container(border=True):
        name = ctx.city(row.city_id)
        if pd.notna(row.value):
            st.metric(name, format_value(row.value, "percent", ctx.lang), help=ctx.label("indicators", row.indicator_id))
            st.caption(plain(f"{ctx.label('indicators', row.indicator_id)} · {int(row.year_used)} · "
                             f"{ctx.label('concepts', row.concept)} · {ctx.territory(row.geo_unit, row.city_id, row.geo_level)}"))
            st.caption(plain(f"{ctx.t('source_is', publisher=row.publisher)} · {standing_mark(row.source_type, bool(row.is_estimate), ctx)}")
                       + (" · " + link(row.source_url) if link(row.source_url) else ""))
            if not row.comparable:
                st.caption(plain("⚠ " + ctx.caveat(row.caveat_codes)))
        else:
            st.metric(name, ctx.t("not_known"))
            st.caption(plain(ctx.t("no_share_known")))
        if pd.notna(row.population):
            st.caption(plain(f"{ctx.t('population')}: {number(row.population, ctx.lang)} "
                             f"({int(row.pop_year)}, {ctx.territory(row.pop_unit, row.city_id, row.pop_level)})"
                             + ("" if row.pop_same_territory or pd.isna(row.value) else f" · ⚠ {ctx.t('other_territory')}")))

# --- coverage ----------------------------------------------------------------------------
st.header(ctx.t("gap_title"))


def coverage_chart():
    score = cached(coverage.coverage_score)
    return coverage_bars(score[score.city_id.isin(selected)], ctx)


show(built("overview-coverage", ctx, (selected,), coverage_chart), "coverage", ctx)
st.page_link("views/coverage.py", label=ctx.t("see_coverage"), icon=":material/grid_on:")

# --- themes and pilots -------------------------------------------------------------------
left, right = st.columns(2)
with left:
    st.header(ctx.t("overview_themes"))
    themes = lookup("themes")
    st.markdown("\n".join(f"- {plain(ctx.label('themes', th))}" for th in themes[themes.network_theme].theme_id))
    st.page_link("views/themes.py", label=ctx.t("see_themes"), icon=":material/category:")
with right:
    st.header(ctx.t("overview_pilots"))
    activities = lookup("network_activities")
    pilots = activities[activities.kind == "pilot_project"]
    st.markdown("\n".join("- " + ctx.t("pilot_line", city=plain(ctx.city(r.city_id)), detail=plain(r.detail))
                           for r in pilots.itertuples()))
    if ctx.lang != "en":
        st.caption(ctx.t("quoted_in_english"))
    st.caption(ctx.t("pilots_source"))
