"""Methods and sources: concepts and comparability rules, index formulas with citations,
every source with its licence, and the curated figures that were left out."""
import streamlit as st

from analytics.spatial import INDEX_REGISTRY, PERMUTATIONS
from ui.boot import ensure_router
from ui.data import lookup
from ui.texts import t

ensure_router()

st.title(t("methods_title"))
info = lookup("build_info").iloc[0]
st.caption(f"Data version {info.data_version}, built {info.built_at}.")

st.header("Concepts: what a figure counts")
st.dataframe(lookup("concepts"), hide_index=True, width="stretch")
st.markdown("""
**Comparability rule.** Two values are comparable when their *concept* and their kind of *territory* (geo level:
municipality, governorate, metropolitan, region) match. A gap of more than two years between their reference years is
flagged. The dashboard never hides a value that is not comparable: it shows it in grey with the reason.
Within a city, the territory closest to the city proper is used, then the latest year, then the most authoritative source
(official statistics, city administration, UN agency, research, secondary, estimate). Figures that disagree are all kept.
""")

st.header("Segregation and spatial indices")
for spec in INDEX_REGISTRY.values():
    with st.expander(f"{spec.label} — {spec.dimension}"):
        st.markdown(f"{spec.description}\n\n**Citation:** {spec.citation}")
        doc = (spec.function.__doc__ or "").strip()
        st.code(doc, language=None)
st.markdown(f"""
**Significance.** Dissimilarity: {PERMUTATIONS} draws under random allocation (each resident belongs to the group with the
city-wide probability, x*ᵢ ~ Binomial(tᵢ, P)). Moran's I: {PERMUTATIONS} random permutations of the area shares (esda).
Local clusters: conditional permutation (Anselin 1995), p < 0.05. With fewer than 20 areas indices are coarse; the tables say so.
Indices are computed with numpy formulas checked against PySAL (segregation 2.5, esda 2.9) in the test suite: PySAL's own
Gini took about 10 s per call here, too slow for an interactive page.
""")

st.header("Sources")
sources = lookup("sources")
st.dataframe(sources[["source_id", "publisher", "title", "source_type", "licence", "url", "retrieved_via", "n_rows"]],
             hide_index=True, width="stretch", column_config={"url": st.column_config.LinkColumn("URL")})

st.header("Figures left out, and why")
st.dataframe(lookup("excluded_observations"), hide_index=True, width="stretch")
