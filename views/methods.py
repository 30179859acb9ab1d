"""Methods and sources: concepts and comparability, the figure-choice rule, common mistakes,
index formulas with citations, every source with its licence, and the figures left out."""
import streamlit as st

from analytics.rules import MAX_YEAR_GAP, OFFICIAL_GRACE_YEARS, SMALL_NUMBER_THRESHOLD
from analytics.spatial import INDEX_REGISTRY, PERMUTATIONS
from ui.data import lookup
from ui.render import context, plain, text_table

ctx = context()
st.title(ctx.t("methods_title"))
info = lookup("build_info").iloc[0]
st.caption(ctx.t("data_version_line", version=info.data_version, built=info.built_at))

st.header(ctx.t("concepts_header"))
concepts = lookup("concepts")
text_table(lambda: concepts.assign(label=[ctx.label("concepts", c) for c in concepts.concept_id]), ctx, view=("methods-concepts", ()))
st.markdown(ctx.t("comparability_rule", gap=MAX_YEAR_GAP))
st.markdown(ctx.t("choice_rule", grace=OFFICIAL_GRACE_YEARS))
st.markdown(ctx.t("small_number_rule", threshold=SMALL_NUMBER_THRESHOLD))
st.markdown(ctx.t("date_rule"))  # issue 20: the 1 January rule and canonical territories
st.markdown(ctx.t("territory_rule"))

st.header(ctx.t("common_mistakes"))
st.markdown(ctx.t("common_mistakes_body"))

st.header(ctx.t("indices_header"))
for name, spec in INDEX_REGISTRY.items():
    with st.expander(f"{ctx.t('index_' + name)} — {ctx.t('dimension_' + spec.dimension)}"):
        st.markdown(plain(ctx.t(f"index_{name}_description")))
        st.markdown(f"**{ctx.t('citation')}:** " + plain(spec.citation))
        st.code((spec.function.__doc__ or "").strip(), language=None)
st.markdown(ctx.t("significance_note", permutations=PERMUTATIONS))

st.header(ctx.t("languages_header"))
st.markdown(ctx.t("languages_note"))

st.header(ctx.t("sources_header"))
sources = lookup("sources")
text_table(lambda: sources[["source_id", "publisher", "title", "source_type", "licence", "url", "retrieved_via", "n_rows"]]
           .assign(source_type=[ctx.label("source_types", s) for s in sources.source_type]), ctx, view=("methods-sources", ()),
           column_config={"url": st.column_config.LinkColumn("URL")})

st.header(ctx.t("corrections_header"))
st.markdown(ctx.t("corrections_intro"))
text_table(lambda: lookup("corrections")[["date", "data_version", "city_id", "indicator_id", "what", "old_value", "new_value",
                                          "reason", "correction_id"]]
           .assign(city_id=lambda d: [ctx.city(c) for c in d.city_id]), ctx, view=("methods-corrections", ()))

st.header(ctx.t("excluded_header"))
text_table(lambda: lookup("excluded_observations"), ctx, view=("methods-excluded", ()))
