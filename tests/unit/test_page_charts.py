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
