"""Every page runs on the 3-city fixture database and on a synthetic 90-city database in which
every city has district counts (``python -m benchmarks synthetic --scale 10``), with default and
hostile parameters: layouts size themselves to any number of cities."""
import subprocess
import sys

import pytest

from tests.app.apptest import run_page

PAGES = ["overview", "city", "compare", "spatial", "origins", "themes", "explorer", "coverage", "methods"]
HOSTILE = {"city": "<b>x</b>", "cities": "nowhere,,", "indicator": "'; --", "lang": "ar", "present": "1"}


@pytest.fixture(scope="session")
def synthetic_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "synthetic-10x.duckdb"
    subprocess.run([sys.executable, "-m", "benchmarks", "synthetic", "--scale", "10", "--out", str(path)], check=True,
                   capture_output=True, timeout=600)
    return path


@pytest.mark.parametrize("params", [{}, HOSTILE], ids=["defaults", "hostile"])
@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("database", ["fixture_db_path", pytest.param("synthetic_db", marks=pytest.mark.slow)],
                         ids=["fixture-3-cities", "synthetic-90-cities"])
def test_pages_on_other_databases(request, monkeypatch, database, page, params):
    monkeypatch.setenv("MC2CM_DB", str(request.getfixturevalue(database)))
    at = run_page(page, params)
    assert not at.exception, [e.message for e in at.exception]


@pytest.mark.slow
def test_spatial_small_multiples_for_a_large_selection(synthetic_db, monkeypatch):
    import duckdb

    con = duckdb.connect(str(synthetic_db), read_only=True)
    cities = [r[0] for r in con.execute("SELECT city_id FROM cities ORDER BY city_id LIMIT 14").fetchall()]
    con.close()
    monkeypatch.setenv("MC2CM_DB", str(synthetic_db))
    at = run_page("spatial", {"city": cities[0], "cities": ",".join(cities)})
    assert not at.exception, [e.message for e in at.exception]
