"""Data coverage: the indicator x city matrix coloured by the best source type."""
import plotly.graph_objects as go
import streamlit as st

from ui.boot import ensure_router
from ui import charts
from ui.data import call, city_names
from ui.texts import t

ensure_router()

st.title(t("coverage_title"))
st.markdown("Each cell says whether a city has at least one figure for an indicator, coloured by the most "
            "authoritative kind of source behind it. Blank = **not known**.")
names = city_names()
matrix = call("coverage", "coverage_matrix")
order = list(charts.SOURCE_TYPE_COLOURS)[:-1]
pivot = matrix.pivot_table(index="indicator_label", columns="city_id", values="best_source_type", aggfunc="first")
pivot = pivot.reindex(columns=list(names))
pivot = pivot.loc[pivot.notna().sum(axis=1).sort_values(ascending=True).index]
codes = pivot.apply(lambda col: col.map({k: i for i, k in enumerate(order)}))
years = matrix.pivot_table(index="indicator_label", columns="city_id", values="latest_year", aggfunc="max").reindex_like(pivot)
scale = []
for i, key in enumerate(order):
    scale += [[i / len(order), charts.SOURCE_TYPE_COLOURS[key]], [(i + 1) / len(order), charts.SOURCE_TYPE_COLOURS[key]]]
fig = go.Figure(go.Heatmap(
    z=codes.values, x=[names[c] for c in pivot.columns], y=pivot.index, zmin=-0.5, zmax=len(order) - 0.5, colorscale=scale,
    text=years.map(lambda v: "" if v != v else f"{v:.0f}").values, texttemplate="%{text}", xgap=2, ygap=2, hoverongaps=False,
    customdata=pivot.fillna("no figure").values, hovertemplate="%{y}<br>%{x}: %{customdata} %{text}<extra></extra>",
    colorbar={"tickvals": list(range(len(order))), "ticktext": [o.replace("_", " ") for o in order], "title": "best source",
              "len": 0.4, "y": 1, "yanchor": "top"}))
fig.update_layout(yaxis={"tickfont": {"size": 10}}, xaxis={"side": "top"})
charts.style(fig, "What the database knows, city by city", "Cell text = latest year; colour = best source type; blank = no figure",
             "MC2CM dashboard database", height=max(700, 16 * len(pivot) + 200))
fig.update_layout(margin={"t": 150})
charts.show(fig, "coverage-matrix", "Heatmap of indicators (rows) by city (columns), coloured by source type.", matrix)

st.subheader("Core indicators each city lacks")
missing = call("coverage", "missing_core_indicators")
missing["city"] = missing.city_id.map(names)
st.dataframe(missing.groupby("city").label.agg(", ".join).rename("missing").reset_index(), hide_index=True, width="stretch")
