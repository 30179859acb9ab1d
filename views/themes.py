"""The seven network themes: their indicators, which cities have them, and what the network did."""
import pandas as pd
import streamlit as st

from analytics import coverage
from ui.data import cached, lookup
from ui.render import arrow_table, built, context, plain
from ui.selection import city_selection, founding_cities

ctx = context()
st.title(ctx.t("themes_title"))
st.markdown(ctx.t("themes_intro"))
selected = city_selection(default=founding_cities())
themes = lookup("themes")
activities = lookup("network_activities")


def theme_tables() -> dict:
    """Per theme: its indicators x the selected cities (latest year of a figure), and the
    selected cities with no figure for the theme."""
    matrix = cached(coverage.coverage_matrix, selected)
    out = {}
    for theme_id, cells in matrix.groupby("theme"):
        table = cells.pivot_table(index="indicator_id", columns="city_id", values="latest_year", aggfunc="max")
        table = table.reindex(columns=[c for c in selected if c in table.columns])
        shown = pd.DataFrame({ctx.city(c): [("" if pd.isna(v) else str(int(v))) for v in table[c]] for c in table.columns})
        shown.insert(0, ctx.t("col_indicator"), [ctx.label("indicators", i) for i in table.index])
        out[theme_id] = (arrow_table(shown), [ctx.city(c) for c in selected if c not in table.columns])
    return out


tables = built("themes-tables", ctx, (selected,), theme_tables)
for theme in themes.itertuples():
    with st.container(border=True):
        st.header(ctx.label("themes", theme.theme_id))
        if theme.theme_id not in tables:
            st.markdown(ctx.t("theme_no_indicator"))
        else:
            shown, missing = tables[theme.theme_id]
            st.dataframe(shown, hide_index=True, width="stretch")
            st.caption(ctx.t("theme_cell_note") + (" " + plain(ctx.t("theme_no_figure", cities=", ".join(missing))) if missing else ""))
        events = activities[activities.theme == theme.theme_id]
        if not events.empty:
            st.markdown("\n".join(f"- *{ctx.t('network_activity')}*: {plain(e.title)} ({plain(e.city)}"
                                  + (f", {plain(e.date)}" if e.date else "") + ")" for e in events.itertuples()))
