"""Spatial distribution: share, location quotient and LISA maps, segregation indices with
p-values and caveats, small multiples on one shared classification, cross-city dissimilarity."""
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from ui.boot import ensure_router
from ui import charts, maps
from ui.data import call, city_names, group_labels
from ui.texts import t
from ui.widgets import select

ensure_router()

st.title(t("spatial_title"))
names = city_names()
groups = group_labels()
c1, c2, c3, c4 = st.columns(4)
city_id = select("City", list(names), "city", format_func=names.get, default="madrid", what="city", container=c1)
city = names[city_id]
options = call("spatial", "group_options", city_id)

if options.empty:
    st.warning(f"{city}: the sources available have no counts of migrants by district. The map shows the boundaries, "
               "so the gap is visible.")
    fig = maps.boundary_map(city_id)
    charts.style(fig, f"{city}: district boundaries", "No migrant counts by district", maps.boundary_source(city_id), height=560)
    charts.show(fig, f"{city}-boundaries", f"Map of the district boundaries of {city}, without data.")
else:
    default = call("spatial", "default_selection", city_id)
    group_id = select("Group", list(dict.fromkeys(options.group_id)), "group", format_func=lambda g: groups.get(g, g),
                      default=default["group_id"], container=c2)
    rows = options[options.group_id == group_id]
    level = select("Area level", list(rows.area_level), "level", format_func=lambda v: v.replace("_", " "),
                   default=rows.sort_values("n_units").area_level.iloc[-1], container=c3)
    years = sorted(rows[rows.area_level == level].years.iloc[0], reverse=True)
    year = select("Year", years, "year", default=years[0], container=c4)
    table = call("spatial", "area_table", city_id, group_id, year, level)
    label = groups.get(group_id, group_id)
    src = charts.source_line(table)
    est = " · estimates" if table.is_estimate.any() else ""

    view = st.segmented_control("Map", ["Share of residents", "Location quotient", "Clusters (LISA)"], key="map",
                                default="Share of residents", bind="query-params") or "Share of residents"
    if view == "Share of residents":
        fig = maps.choropleth(city_id, table, "share_pct", "%")
        charts.style(fig, f"{city}: {label} as a share of residents", f"{year} · {len(table)} {level.replace('_', ' ')}s · city average "
                     f"{table.attrs['city_share_pct']:.1f}%{est}", src, height=600)
        charts.show(fig, f"{city}-{group_id}-{year}-share", f"Choropleth of the share of {label} in each area.", table, key="share")
    elif view == "Location quotient":
        fig = maps.choropleth(city_id, table, "location_quotient", "LQ", colorscale=charts.DIVERGING, zmid=1)
        charts.style(fig, f"{city}: location quotient of {label}", f"{year} · above 1 = over-represented compared with the city{est}",
                     src, height=600)
        charts.show(fig, f"{city}-{group_id}-{year}-lq", "Choropleth of the location quotient (1 = city average).", table, key="lq")
    else:
        lisa = call("spatial", "lisa_table", city_id, group_id, year, level)
        if lisa.empty:
            st.info("Too few areas for local clusters.")
        else:
            fig = maps.categorical_map(city_id, lisa, level, "cluster", charts.LISA_COLOURS)
            charts.style(fig, f"{city}: clusters of {label}", f"{year} · local Moran's I, queen contiguity, 999 conditional permutations, p < 0.05{est}",
                         src, height=600)
            charts.show(fig, f"{city}-{group_id}-{year}-lisa", "Map of local clusters: high-high, low-low and outliers.", lisa, key="lisa")

    st.subheader("Segregation indices")
    indices = call("spatial", "segregation_indices", city_id, group_id, year, level)
    st.dataframe(indices[["label", "value", "p_value", "n_units", "caveat", "citation"]], hide_index=True, width="stretch",
                 column_config={"value": st.column_config.NumberColumn(format="%.3f"),
                                "p_value": st.column_config.NumberColumn("p-value", format="%.3f",
                                                                         help="Dissimilarity: random allocation (binomial) null; "
                                                                              "Moran's I: random permutation of shares; 999 draws")})
    st.caption("Formulas, citations and null models: see Methods and sources.")

# --- across cities -----------------------------------------------------------------------
st.subheader("Across the network")
cross = call("spatial", "cross_city_indices")
cross["city"] = cross.city_id.map(names)
fig = go.Figure(go.Bar(x=cross.dissimilarity, y=cross.city, orientation="h",
                       marker_color=[charts.CATEGORICAL[0] if not c else "#B0B7BF" for c in cross.caveat.astype(bool)],
                       text=[f"{d:.2f} · {g} · {n} {lv.replace('_', ' ')}s · {y}" for d, g, n, lv, y in
                             zip(cross.dissimilarity, cross.group_label, cross.n_units, cross.area_level, cross.year)],
                       textposition="outside"))
fig.update_layout(xaxis={"range": [0, 0.6], "title": "Index of dissimilarity D"}, margin={"r": 260})
charts.style(fig, "How unevenly are migrants spread across each city?",
             "D against the rest of the population; groups, years and unit sizes differ (grey: few units or estimates)",
             "City statistical offices and others, see Methods", height=420)
charts.show(fig, "dissimilarity-across-cities", "Bars of the dissimilarity index for each city with district counts.", cross, key="cross")

small = call("spatial", "small_multiples")
if not small.empty:
    bins = small.attrs["bins"]
    cities_sm = list(dict.fromkeys(small.city_id))
    fig = make_subplots(rows=2, cols=3, subplot_titles=[names[c] for c in cities_sm],
                        specs=[[{"type": "map"}] * 3] * 2, horizontal_spacing=0.01, vertical_spacing=0.06)
    for i, cid in enumerate(cities_sm):
        part = small[small.city_id == cid]
        geojson = maps.area_geojson(cid, part.area_level.iloc[0])
        fig.add_trace(go.Choroplethmap(geojson=geojson, featureidkey="properties.area_id",
                                    locations=part.area_id, z=part.class_index, zmin=0, zmax=len(bins) - 1,
                                    colorscale=charts.SEQUENTIAL, showscale=(i == 0), marker_line_width=0.3,
                                    colorbar={"title": "share %", "tickvals": list(range(len(bins))),
                                              "ticktext": [f"≤ {b:.0f}" for b in bins]},
                                    hovertext=part.area_name + ": " + part.share_pct.round(1).astype(str) + "%", hoverinfo="text"),
                      row=i // 3 + 1, col=i % 3 + 1)
        fig.update_layout({f"map{i + 1 if i else ''}": {"style": maps.MAP_STYLE, **maps.view(maps.bounds(geojson), 330, 260)}})
    charts.style(fig, "Migrant shares inside each city, on one shared scale",
                 "Default group per city (latest year, finest level); classes: quantiles of all areas pooled (mapclassify)",
                 "see the table below", height=720)
    charts.show(fig, "small-multiples", "Six small maps of migrant shares with the same colour classes.", small, key="sm")
