"""City profile: the sections of ``report.city`` (key figures, trends, origins, refugees,
district map, peers, since 2016, gaps, national context, caveats, sources), rendered with
Streamlit; the briefs print the same sections."""
import streamlit as st

from analytics import reference
from report.city import SECTION_KEYS, CityView, city_profile, trend_options
from ui.briefs import brief_panel
from ui.data import cached
from ui.render import context, link, plain
from ui.sections import page, render_page, section_slots
from ui.selection import city_select
from ui.widgets import select

ctx = context()
st.title(ctx.t("city_title"))
city_id = city_select(default="vienna")
cities = cached(reference.cities).set_index("city_id")
member = cities.loc[city_id]
if "membership" in cities.columns and isinstance(member.get("membership"), str):
    st.caption(plain(ctx.t("membership_line", membership=ctx.label("membership", member.membership))) + (
        " · " + link(member.get("membership_source_url"), ctx.t("evidence")) if link(member.get("membership_source_url")) else ""))

brief_box = st.container()
slots = section_slots(SECTION_KEYS)
# the trend selector is part of the view: read before the page is built, drawn under the Trends title
options = cached(trend_options, city_id)
trend = select(ctx.t("indicator"), options, "trend", format_func=lambda i: ctx.label("indicators", i),
               default=options[0], kind="segmented", container=slots["trends"].controls) if options else None
view = CityView(city_id, trend)
with brief_box:
    brief_panel("city", ctx, city_id=city_id, trend=trend)
content = page("city-profile", ctx, (city_id, trend), lambda con, c: city_profile(con, c, view))
render_page(content, ctx, slots, view_key=(city_id, trend))
