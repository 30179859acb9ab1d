"""Every figure is built from analytics output without Streamlit, in each mode and language;
its title, source line and description are non-empty and come from the data; no raw column
name, boolean, NaN or None reaches a reader; year axes have no decimals."""
import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from analytics import compare, coverage, origins, profile, reference, spatial
from analytics.rules import HEADLINE_SHARES
from figures import compare as fc
from figures import maps as fm
from figures import profile as fp
from figures.context import Context
from figures.style import MODES

LANGS = ("en", "fr", "ar")


def geojson(con, city_id, level=None):
    return json.loads(spatial.area_geodataframe(con, city_id, level).to_json(drop_id=True))


def build_all(con, ctx):
    """(chart, the rows it was built from, the name of a city or item that must appear in it)."""
    out = []
    table = compare.network_position(con, list(HEADLINE_SHARES), None, ["madrid", "vienna", "tangier", "lyon"])
    out.append((fc.ranked_bars(table, ctx, "Migrant share"), table))
    series = compare.timeseries(con, "foreign_citizens_share", ["vienna", "madrid", "amman"])
    out.append((fc.lines_over_time(series, ctx, "Foreign citizens", cities_order=reference.city_order(con)), series))
    trend = profile.trend_series(con, "amman")
    trend = trend[trend.indicator_id == "population_total"]
    out.append((fc.lines_over_time(trend, ctx, "Amman population", colour_by="geo_unit"), trend))
    xs, ys = compare.compare_cities(con, "population_total"), compare.compare_cities(con, "foreign_citizens_share")
    both = xs.merge(ys, on=["city_id", "city"], suffixes=("_x", "_y")).dropna(subset=["value_x", "value_y"])
    out.append((fc.two_indicators(both, ctx, "population_total", "foreign_citizens_share"), both))
    vs = compare.city_vs_country(con, ["madrid", "vienna", "turin"])
    out.append((fc.city_and_country(vs, ctx), vs))
    top = origins.top_origins(con, "lisbon", 10)
    out.append((fp.top_origins_bars(top, ctx, "lisbon"), top))
    world = reference.world_countries(con)
    wt = origins.world_map_table(con, "lisbon")
    out.append((fp.world_origins_map(wt, world, ctx, "lisbon", "INE"), wt))
    nat = profile.national_refugees(con, "amman")
    out.append((fp.national_refugee_lines(nat, ctx, "amman"), nat))
    cross = spatial.cross_city_indices(con, ["madrid", "vienna", "turin"])
    out.append((fp.dissimilarity_bars(cross, ctx), cross))
    shared = origins.shared_origins(con, 10, ["madrid", "lisbon", "turin", "vienna"])
    out.append((fp.shared_origins_heatmap(shared[shared.n_cities >= 2], ctx), shared))
    score = coverage.coverage_score(con)
    out.append((fp.coverage_bars(score, ctx), score))
    matrix = coverage.coverage_matrix(con)
    out.append((fp.coverage_heatmap(matrix, ctx, list(reference.city_order(con))), matrix))
    area = spatial.area_table(con, "madrid")
    out.append((fm.choropleth(area, geojson(con, "madrid", area.attrs["selection"]["area_level"]), "share_pct", ctx,
                              "Madrid foreign", "2023", "%"), area))
    lisa = spatial.lisa_table(con, "vienna")
    lisa = lisa.assign(cluster=lisa.cluster.str.lower().str.replace("-", "_").str.replace(" ", "_"))
    out.append((fm.categorical_map(lisa, geojson(con, "vienna", "district"), ctx, "Vienna clusters", "2022",
                                   spatial.boundary_sources(con, "vienna")), lisa))
    out.append((fm.boundary_map(geojson(con, "lyon"), ctx, "Lyon", "boundaries", spatial.boundary_sources(con, "lyon")), None))
    small = spatial.small_multiples(con, 6, ["madrid", "vienna", "turin", "lisbon", "amman", "beirut", "madrid"])
    geo = {c: geojson(con, c, p.area_level.iloc[0]) for c, p in small.groupby("city_id")}
    out.append((fm.small_multiples(small, geo, ctx, "Shares", "pooled"), small))
    cities = reference.cities(con)
    shares = compare.compare_cities(con, list(HEADLINE_SHARES))
    frame = cities.merge(shares[["city_id", "indicator_id", "value", "year_used", "concept", "geo_unit", "publisher"]],
                         on="city_id", how="left").assign(population=1e6, pop_year=2020)
    out.append((fm.network_map(frame, world, ctx, "Network", "cities"), frame))
    return out


def reader_texts(fig) -> list[str]:
    """Every text a reader sees: titles, legends, hovers, bar labels, tick labels, annotations."""
    texts = [fig.layout.title.text or "", getattr(fig.layout.title.subtitle, "text", "") or ""]
    texts += [a.text or "" for a in fig.layout.annotations]
    for trace in fig.data:
        texts.append(str(getattr(trace, "name", "") or ""))
        for attr in ("text", "hovertext"):
            value = getattr(trace, attr, None)
            if value is None:
                continue
            texts += [str(v) for v in (value if isinstance(value, (list, tuple)) or hasattr(value, "__len__")
                                       and not isinstance(value, str) else [value])]
        for attr in ("x", "y"):
            value = getattr(trace, attr, None)
            if value is not None and len(value) and isinstance(value[0], str):
                texts += list(value)
    for axis in ("xaxis", "yaxis"):
        ax = fig.layout[axis]
        texts.append(str(ax.title.text or ""))
        if ax.ticktext:
            texts += [str(v) for v in ax.ticktext]
    return texts


@pytest.fixture(scope="module")
def charts_by_mode(built_db):
    from analytics.db import connect

    con = connect(built_db)
    labels = reference.labels(con)
    out = {(mode, lang): build_all(con, Context(lang=lang, mode=mode, data_version="abc123def456", labels=labels,
                                                 city_order=reference.city_order(con)))
           for mode in MODES for lang in LANGS}
    con.close()
    return out


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_figure_has_title_source_and_description_from_the_data(charts_by_mode, mode, lang):
    for chart, rows in charts_by_mode[(mode, lang)]:
        assert chart.title.strip() and chart.alt.strip() and chart.source.strip(), chart.name
        assert chart.figure.layout.title.text, chart.name
        footer = " ".join(a.text for a in chart.figure.layout.annotations if a.yref == "paper" and a.y == 0)
        assert "abc123def456" in footer, chart.name  # the data version is drawn into the frame
        if rows is not None and "publisher" in rows and rows.publisher.notna().any():
            publishers = {re.sub(r"\s*\(.*?\)", "", str(p)).strip()[:70] for p in rows.publisher.dropna()}
            assert any(p and p in chart.source for p in publishers), (chart.name, chart.source)
        if rows is not None and not rows.empty and "value" in rows and chart.kind in ("bar", "line"):
            assert any(ch.isdigit() for ch in chart.alt), chart.alt  # the description states values


RAW = re.compile(r"\b(True|False|NaN|nan|None|<NA>)\b|\bis_estimate\b|\bgeo_level\b|\bsame_territory\b|"
                 r"\bindicator_id\b|\bcity_id\b|\bshare_pct\b|\bline\b, ")


def test_no_raw_column_names_booleans_nan_or_none(charts_by_mode):
    for chart, _ in charts_by_mode[("screen", "en")] + charts_by_mode[("screen", "fr")]:
        for text in reader_texts(chart.figure):
            assert not RAW.search(text), (chart.name, text)


def test_year_axes_are_integers(charts_by_mode):
    for chart, _ in charts_by_mode[("screen", "en")]:
        if chart.kind != "line":
            continue
        ax = chart.figure.layout.xaxis
        assert ax.tickformat == "d" or (ax.tickvals and all(float(v).is_integer() for v in ax.tickvals)), chart.name


def test_one_point_trend_has_no_fractional_year_ticks(built_db):
    from analytics.db import connect

    con = connect(built_db)
    trend = profile.trend_series(con, "amman")
    one = trend[trend.indicator_id == "foreign_citizens"].head(1)
    chart = fc.lines_over_time(one, Context(labels=reference.labels(con)), "one point", colour_by="geo_unit")
    con.close()
    ax = chart.figure.layout.xaxis
    assert list(ax.tickvals) == [int(one.year.iloc[0])] and list(ax.ticktext) == [str(int(one.year.iloc[0]))]
    assert chart.figure.layout.yaxis.tickformat == ",.0f"  # counts grouped, never "1.449999M"


def test_one_colour_per_city_across_lines(charts_by_mode):
    chart = charts_by_mode[("screen", "en")][1][0]
    colours = {}
    for trace in chart.figure.data:
        city = trace.name.split(" · ")[0]
        colours.setdefault(city, set()).add(trace.line.color)
    assert all(len(c) == 1 for c in colours.values())
    assert len({next(iter(c)) for c in colours.values()}) == len(colours)  # no two cities share a colour


def test_ranked_bars_show_year_gap_and_source_kind_and_every_selected_city(built_db):
    from analytics.db import connect

    con = connect(built_db)
    selected = ["madrid", "vienna", "tangier", "lyon", "beirut"]
    table = compare.network_position(con, list(HEADLINE_SHARES), None, selected)
    chart = fc.ranked_bars(table, Context(labels=reference.labels(con)), "Migrant share")
    con.close()
    bar = chart.figure.data[0]
    assert len(bar.y) == len(selected)  # cities without a figure are labelled empty rows
    labelled = dict(zip([y.replace(" ⚠", "") for y in bar.y], bar.text))
    have = table[table.value.notna()]
    ref_year = int(have.reference_year.iloc[0])
    for r in have.itertuples():
        text = labelled[r.city]
        assert str(int(r.year_used)) in text
        assert ("OFF" in text or "CITY" in text or "UN" in text or "RES" in text or "SEC" in text or "EST" in text)
        if int(r.year_used) != ref_year:
            assert f"({int(r.year_used) - ref_year:+d} y)" in text, text
    for r in table[table.value.isna()].itertuples():
        assert labelled[r.city] == "no figure"


def test_heatmap_empty_cells_are_empty(charts_by_mode):
    for chart, _ in charts_by_mode[("screen", "en")]:
        if chart.kind == "heatmap":
            cells = [c for row in chart.figure.data[0].text for c in row]
            assert "" in cells and not any(str(c) in ("nan", "NaN", "None") for c in cells)


def test_source_line_sits_inside_the_frame(charts_by_mode):
    for chart, _ in charts_by_mode[("presenter", "en")]:
        fig = chart.figure
        footer = [a for a in fig.layout.annotations if a.yref == "paper" and a.y == 0]
        assert footer, chart.name
        lines = footer[0].text.count("<br>") + 1
        assert footer[0].yanchor == "bottom"
        # its bottom edge stays inside the frame, its top edge below the axis labels (about 40 px)
        assert abs(footer[0].yshift) <= fig.layout.margin.b - 4, chart.name
        assert abs(footer[0].yshift) - lines * footer[0].font.size * 1.2 >= 40, chart.name


def test_arabic_bars_grow_leftwards(charts_by_mode):
    chart = charts_by_mode[("screen", "ar")][0][0]
    xaxis = chart.figure.layout.xaxis  # reversed: by autorange, or an explicit range from high to low (issue 21:
    # a range long enough for every bar label)
    assert (xaxis.autorange == "reversed" or (xaxis.range and xaxis.range[0] > xaxis.range[1])) \
        and chart.figure.layout.yaxis.side == "right"
    assert chart.figure.layout.title.xanchor == "right"


def test_figures_do_not_import_streamlit():
    code = ("import sys, figures.compare, figures.maps, figures.profile, figures.style, figures.context; "
            "print('streamlit' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_readable_tables_have_no_raw_values():
    from figures.context import Context as C
    from ui.render import readable

    frame = pd.DataFrame({"is_estimate": [True, False], "note": [None, "x"], "caveat_codes": [("estimate",), ()],
                          "years": [[2019, 2020], [2021]]})
    out = readable(frame, C())
    text = " ".join(map(str, out.values.ravel()))
    assert "True" not in text and "False" not in text and "None" not in text
    assert "yes" in text and "2019, 2020" in text and "estimate or approximate figure" in text


def test_a_long_subtitle_is_wrapped_inside_the_frame():
    """A reference line of 170 characters ran past the right edge of the 1920x1080 export."""
    import plotly.graph_objects as go

    from figures.style import _escape, finish, font_size

    subtitle = "Référence : Ressortissants étrangers, Commune (ville proprement dite), 2025. Bleu = comparable ; " \
               "gris = concept, territoire ou définition différents ; hachuré = plus de 2 ans d'écart avec 2025"
    for mode in ("screen", "presenter", "print"):
        fig = finish(go.Figure(), title="T", subtitle=subtitle, source="S", mode=mode, lang="fr")
        lines = fig.layout.title.subtitle.text.split("<br>")
        assert len(lines) >= 2 and all(len(line) <= max(60, 1500 // font_size(mode)) for line in lines)
        assert " ".join(lines).split() == _escape(subtitle).split()  # every word kept, in order


def test_a_slide_picture_drops_the_frame_text_the_slide_already_has():
    import plotly.graph_objects as go

    from figures.style import SOURCE_ANNOTATION, finish, without_frame_text

    fig = finish(go.Figure(go.Bar(x=[1], y=["a"], orientation="h")), title="Title", subtitle="Sub", source="INE",
                 data_version="v1")
    fig.add_annotation(text="a panel title", x=0, y=1, showarrow=False)
    bare = without_frame_text(fig)
    assert not bare.layout.title.text and not bare.layout.title.subtitle.text
    assert [a.text for a in bare.layout.annotations] == ["a panel title"]
    assert any(a.name == SOURCE_ANNOTATION for a in fig.layout.annotations)  # the original keeps its source line
    assert fig.layout.title.text == "<b>Title</b>"
