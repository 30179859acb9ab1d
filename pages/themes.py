"""The seven network themes: their indicators, which cities have them, and what the network did."""
import streamlit as st

from ui.boot import ensure_router
from ui.data import call, city_names, lookup
from ui.texts import t

ensure_router()

st.title(t("themes_title"))
st.markdown("The MC2CM network works on seven themes. For most of them, **city-level migration data do not exist** "
            "in the public sources this dashboard draws on: the gaps below are findings, not errors.")
names = city_names()
themes = lookup("themes")
matrix = call("coverage", "coverage_matrix")
activities = lookup("network_activities")
for theme in themes.itertuples():
    with st.container(border=True):
        st.subheader(theme.label)
        cells = matrix[matrix.theme == theme.theme_id]
        if cells.empty:
            st.markdown("**No indicator** in the database for any city.")
        else:
            table = cells.pivot_table(index="indicator_label", columns="city_id", values="latest_year", aggfunc="max")
            table.columns = [names[c] for c in table.columns]
            missing = [names[c] for c in names if names[c] not in table.columns]
            table = table.astype("Int64").astype(str).replace("<NA>", "—")
            table.index.name = "Indicator"
            st.dataframe(table, width="stretch")
            st.caption("Cell = latest year with a figure. " + (f"No figure at all for: {', '.join(missing)}." if missing else ""))
        events = activities[activities.theme == theme.theme_id]
        for event in events.itertuples():
            when = f", {event.date}" if event.date else ""
            st.markdown(f"- *Network activity*: {event.title} ({event.city}{when})")
