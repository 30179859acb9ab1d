"""Origins: top origins of a city, its origins on a world map, origins shared across a selection."""
import streamlit as st

from analytics import origins
from figures.profile import shared_origins_heatmap, top_origins_bars, world_origins_map
from figures.style import source_line
from ui.data import cached, lookup
from ui.render import built, context, show
from ui.selection import city_select, city_selection, default_for

ctx = context()
st.title(ctx.t("origins_title"))
st.markdown(ctx.t("origins_intro"))
city_id = city_select(default="lisbon")
top = cached(origins.top_origins, city_id, 15)
world_table = cached(origins.world_map_table, city_id)

left, right = st.columns([2, 3])
with left:
    if top.empty:
        st.info(ctx.t("no_data"))
    else:
        show(built("origins-top", ctx, (city_id,), lambda: top_origins_bars(top, ctx, city_id)), "top", ctx)
with right:
    if not world_table.empty:
        show(built("origins-world", ctx, (city_id,), lambda: world_origins_map(
            world_table, lookup("world_countries"), ctx, city_id, source_line(top, lang=ctx.lang))), "world", ctx)

st.header(ctx.t("shared_origins"))
selected = city_selection(default=default_for(None))
shared = cached(origins.shared_origins, 10, selected)
common = shared[shared.n_cities >= 2]
if common.empty:
    st.info(ctx.t("no_shared_origins"))
else:
    show(built("origins-shared", ctx, (selected,), lambda: shared_origins_heatmap(common, ctx)), "shared", ctx)
