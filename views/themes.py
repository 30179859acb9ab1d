"""The seven network themes: their indicators, which cities have them, and what the network did."""
import pandas as pd
import streamlit as st

from ui.data import call, lookup
from ui.render import context, plain
from ui.selection import city_selection, founding_cities

ctx = context()
st.title(ctx.t("themes_title"))
st.markdown(ctx.t("themes_intro"))
selected = city_selection(default=founding_cities())
themes = lookup("themes")
matrix = call("coverage", "coverage_matrix")
activities = lookup("network_activities")
for theme in themes.itertuples():
    with st.container(border=True):
        st.header(ctx.label("themes", theme.theme_id))
        cells = matrix[(matrix.theme == theme.theme_id) & matrix.city_id.isin(selected)]
        if cells.empty:
            st.markdown(ctx.t("theme_no_indicator"))
        else:
            table = cells.pivot_table(index="indicator_id", columns="city_id", values="latest_year", aggfunc="max")
            table = table.reindex(columns=[c for c in selected if c in table.columns])
            missing = [ctx.city(c) for c in selected if c not in table.columns]
            shown = pd.DataFrame({ctx.city(c): [("" if pd.isna(v) else str(int(v))) for v in table[c]] for c in table.columns})
            shown.insert(0, ctx.t("col_indicator"), [ctx.label("indicators", i) for i in table.index])
            st.dataframe(shown, hide_index=True, width="stretch")
            st.caption(ctx.t("theme_cell_note") + (" " + plain(ctx.t("theme_no_figure", cities=", ".join(missing))) if missing else ""))
        events = activities[activities.theme == theme.theme_id]
        if not events.empty:
            st.markdown("\n".join(f"- *{ctx.t('network_activity')}*: {plain(e.title)} ({plain(e.city)}"
                                  + (f", {plain(e.date)}" if e.date else "") + ")" for e in events.itertuples()))
