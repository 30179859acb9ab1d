"""Origins: top origins per city, world map of origins, origins shared across the network."""
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from ui.boot import ensure_router
from ui import charts, maps
from ui.data import call, city_names, lookup
from ui.texts import t
from ui.widgets import select

ensure_router()

st.title(t("origins_title"))
st.markdown("City figures where the sources have them; otherwise the **country's** UN DESA origins, clearly labelled as national.")
names = city_names()
city_id = select("City", list(names), "city", format_func=names.get, default="lisbon", what="city")
city = names[city_id]
top = call("origins", "top_origins", city_id, 15)
world_table = call("origins", "world_map_table", city_id)

left, right = st.columns([2, 3])
with left:
    if top.empty:
        st.info(t("no_data"))
    else:
        national = top.level.iloc[0] == "national"
        fig = px.bar(top, x="share_pct", y="origin", orientation="h", color_discrete_sequence=[charts.CATEGORICAL[1 if national else 0]],
                     hover_data={"value": ":,.0f", "year": True, "publisher": True})
        fig.update_yaxes(autorange="reversed", title=None)
        fig.update_xaxes(title="% of listed migrants")
        charts.style(fig, f"{city}: top origins" + (" (NATIONAL data)" if national else ""),
                     f"{top.basis.iloc[0]}, {top.year.max()}", charts.source_line(top), height=560)
        charts.show(fig, f"{city}-top-origins", "Bar chart of the largest origins.", top, key="top")
with right:
    world = lookup("world_countries")
    fig = go.Figure(maps.world_background(world))
    fig.add_trace(go.Choroplethmap(geojson=world, featureidkey="properties.iso3", locations=world_table.iso3, z=world_table.value,
                                colorscale=charts.SEQUENTIAL, marker_line_color="white", colorbar={"title": "persons"},
                                hovertext=[f"{o}: {v:,.0f} ({s:.1f}%)" for o, v, s in zip(world_table.origin, world_table.value, world_table.share_pct)],
                                hoverinfo="text"))
    fig.update_layout(map={"style": maps.MAP_STYLE, "center": {"lon": 10, "lat": 20}, "zoom": 0.15})
    charts.style(fig, f"{city}: origins on the world map", f"{world_table.level.iloc[0] if not world_table.empty else ''} data",
                 charts.source_line(top) + "; Natural Earth", height=560)
    charts.show(fig, f"{city}-origins-world", "World map shaded by the number of migrants from each country.", world_table, key="world")

st.subheader("Origins shared across the network")
shared = call("origins", "shared_origins", 10)
shared["city"] = shared.city_id.map(names) + shared.level.map({"city": "", "national": " (national)"})
common = shared[shared.n_cities >= 2]
matrix = common.pivot_table(index="origin", columns="city", values="rank", aggfunc="min")
matrix = matrix.loc[matrix.notna().sum(axis=1).sort_values(ascending=False).index]
fig = go.Figure(go.Heatmap(z=matrix.values, x=matrix.columns, y=matrix.index, colorscale="Blues_r", zmin=1, zmax=10,
                           text=matrix.values, texttemplate="%{text:.0f}", colorbar={"title": "rank"}, hoverongaps=False))
charts.style(fig, "Which origins appear in several cities' top ten?", "Cell = rank of the origin in the city (1 = largest); "
             "cities marked (national) use their country's UN DESA data", "City sources and UN DESA 2024; see the table", height=620)
charts.show(fig, "shared-origins", "Heatmap of origins (rows) by city (columns), coloured by rank.", common, key="shared")
