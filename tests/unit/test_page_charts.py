"""Every chart of a page at once: PNG at 1920x1080 and SVG per chart, README with sources."""
import io
import shutil
import zipfile

import pytest

from analytics import compare, reference
from analytics.rules import HEADLINE_SHARES
from figures.compare import ranked_bars
from figures.context import Context


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="kaleido needs Debian's chromium")
def test_page_charts_zip(con):
    from PIL import Image

    from briefs.page_charts import page_charts_zip

    ctx = Context(lang="fr", data_version="abc123def456", labels=reference.labels(con))
    chart = ranked_bars(compare.network_position(con, list(HEADLINE_SHARES), None, ["madrid", "vienna"]), ctx, "Part")
    data = page_charts_zip([chart, chart], "fr", "Comparer", "http://127.0.0.1/compare?cities=madrid,vienna")
    archive = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(archive.namelist())
    assert "README.md" in names and len([n for n in names if n.endswith(".png")]) == 2
    assert len([n for n in names if n.endswith(".svg")]) == 2 and len(set(names)) == len(names)
    png = Image.open(io.BytesIO(archive.read([n for n in names if n.endswith(".png")][0])))
    assert png.size == (1920, 1080)
    svg = archive.read([n for n in names if n.endswith(".svg")][0]).decode()
    assert "<svg" in svg and "abc123def456" in svg
    readme = archive.read("README.md").decode()
    assert "Source : " in readme and chart.source in readme


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="kaleido needs Debian's chromium")
@pytest.mark.parametrize("kind", ["share", "lisa", "boundaries", "small_multiples"])
def test_map_svg_in_the_zip_is_vector(con, kind):
    """A district map (MapLibre, a WebGL canvas) goes into the ZIP as SVG paths drawn from the
    areas' geometry: no embedded bitmap, every area a path, the title and source as text."""
    from analytics import spatial
    from report.common import area_geojson  # the one implementation (pages and briefs)
    from briefs.page_charts import page_charts_zip
    from figures import maps
    from i18n import t

    ctx = Context(lang="ar", data_version="abc123def456", labels=reference.labels(con))
    table = spatial.area_table(con, "madrid")
    level = table.attrs["selection"]["area_level"]
    geojson = area_geojson(con, "madrid", level)
    if kind == "share":
        chart = maps.choropleth(table, geojson, "share_pct", ctx, "Madrid", "sub", "%")
    elif kind == "lisa":
        lisa = spatial.lisa_table(con, "madrid")
        lisa = lisa.assign(cluster=lisa.cluster.str.lower().str.replace("-", "_").str.replace(" ", "_"))
        chart = maps.categorical_map(lisa, geojson, ctx, "Madrid", "sub", "INE")
    elif kind == "boundaries":
        chart = maps.boundary_map(geojson, ctx, "Madrid", "sub", "INE")
    else:
        small = spatial.small_multiples(con, 6, ["madrid", "vienna"])
        geojsons = {c: area_geojson(con, c, p.area_level.iloc[0]) for c, p in small.groupby("city_id")}
        chart = maps.small_multiples(small, geojsons, ctx, "Madrid", "sub")
        geojson = {"features": [f for g in geojsons.values() for f in g["features"]]}
    assert chart.vector is not None
    archive = zipfile.ZipFile(io.BytesIO(page_charts_zip([chart], "ar", "spatial", "http://127.0.0.1/spatial")))
    svg = archive.read([n for n in archive.namelist() if n.endswith(".svg")][0]).decode()
    assert "<image" not in svg, "the map SVG embeds a bitmap"
    assert svg.count("<path") >= len(geojson["features"])
    assert "abc123def456" in svg and "Madrid" in svg
    assert t("zip_map_note", "ar") not in archive.read("README.md").decode()  # no "the SVG holds an image" note


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("chromium"), reason="kaleido needs Debian's chromium")
def test_world_and_network_maps_have_vector_svg(con):
    """The two world maps (MapLibre) go into the ZIP as vector country polygons and markers."""
    from analytics import origins
    from briefs.page_charts import page_charts_zip
    from figures import maps
    from figures.profile import world_origins_map

    ctx = Context(lang="en", data_version="abc123def456", labels=reference.labels(con))
    world = reference.world_countries(con)
    world_chart = world_origins_map(origins.world_map_table(con, "lisbon"), world, ctx, "lisbon", "INE")
    frame = reference.cities(con).merge(
        compare.compare_cities(con, "foreign_citizens_share")[["city_id", "value", "indicator_id", "year_used", "concept",
                                                              "geo_unit", "publisher"]], on="city_id").merge(
        compare.compare_cities(con, "population_total")[["city_id", "value", "year_used"]].rename(
            columns={"value": "population", "year_used": "pop_year"}), on="city_id")
    network = maps.network_map(frame, world, ctx, "Network", "sub")
    archive = zipfile.ZipFile(io.BytesIO(page_charts_zip([world_chart, network], "en", "overview", "u")))
    svgs = [archive.read(n).decode() for n in sorted(archive.namelist()) if n.endswith(".svg")]
    assert len(svgs) == 2
    for svg in svgs:
        assert "<image" not in svg and svg.count("<path") > 50 and "abc123def456" in svg
