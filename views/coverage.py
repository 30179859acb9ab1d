"""Data coverage: the indicator x city matrix coloured by the best kind of source, and the gaps."""
import pandas as pd
import streamlit as st

from analytics import coverage
from figures.profile import coverage_heatmap
from ui.data import cached
from ui.render import built, context, show
from ui.selection import all_cities, city_selection

ctx = context()
st.title(ctx.t("coverage_title"))
st.markdown(ctx.t("coverage_intro"))
selected = city_selection(default=all_cities() if len(all_cities()) <= 20 else None)


def matrix_chart():
    return coverage_heatmap(cached(coverage.coverage_matrix, selected), ctx, selected)


show(built("coverage-matrix", ctx, (selected,), matrix_chart), "matrix", ctx)

st.header(ctx.t("core_missing"))
missing = cached(coverage.missing_core_indicators, selected)
missing = missing.assign(label=[ctx.label("indicators", m) if m != "district_counts" else ctx.t("district_counts")
                                for m in missing.missing])
table = pd.DataFrame({ctx.t("col_city"): [ctx.city(c) for c in missing.groupby("city_id").size().index],
                      ctx.t("col_missing"): list(missing.groupby("city_id").label.agg(", ".join))})
st.dataframe(table, hide_index=True, width="stretch")
