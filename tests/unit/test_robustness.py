"""Faults, load and properties: a build killed midway, concurrent sessions on one connection,
property-based tests of the cleaners, random URL parameters."""
import hashlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.harmonise import madrid
from analytics.harmonise._common import long_counts, normalise_name

ROOT = Path(__file__).resolve().parents[2]


def test_build_killed_midway_leaves_previous_database_usable(workspace):
    before = hashlib.sha256(workspace["db"].read_bytes()).hexdigest()
    script = textwrap.dedent(f"""
        import time, analytics.db as db
        real_replace = db.os.replace
        def slow_replace(a, b):
            open({str(workspace['db']) + '.ready'!r}, 'w').close()
            time.sleep(60)
            real_replace(a, b)
        db.os.replace = slow_replace
        db.build({str(workspace['db'])!r}, __import__('pathlib').Path({str(workspace['harmonised'])!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    ready = Path(str(workspace["db"]) + ".ready")
    deadline = time.time() + 120
    while not ready.exists() and time.time() < deadline:
        time.sleep(0.2)
    assert ready.exists(), "the build did not reach the swap"
    assert list(workspace["db"].parent.glob("mc2cm.duckdb.tmp*")), "a temporary database should exist mid-build"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert hashlib.sha256(workspace["db"].read_bytes()).hexdigest() == before
    from analytics.db import build, connect

    con = connect(workspace["db"])
    assert con.execute("SELECT count(*) FROM observations").fetchone()[0] > 0
    con.close()
    build(workspace["db"], workspace["harmonised"], workspace["ingested"])  # the next build cleans up
    assert not list(workspace["db"].parent.glob("mc2cm.duckdb.tmp*"))


def test_twenty_concurrent_sessions_get_identical_results(built_db):
    import duckdb

    from analytics import compare, coverage, origins, spatial

    shared = duckdb.connect(str(built_db), read_only=True)

    def session(i):
        con = shared.cursor()  # a cursor per session, as the app does
        try:
            city = ["vienna", "madrid", "lisbon", "turin"][i % 4]
            return (compare.compare_cities(con, "foreign_citizens_share").to_json(),
                    spatial.area_table(con, city).to_json(),
                    origins.top_origins(con, city).to_json(),
                    coverage.coverage_score(con).to_json())
        finally:
            con.close()

    serial = [session(i) for i in range(4)]
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(session, range(20)))
    for i, result in enumerate(results):
        assert result == serial[i % 4]
    shared.close()


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_normalise_name_is_idempotent_and_clean(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip() and "  " not in once
    assert all(ch.isalnum() or ch == " " for ch in once)


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(codec="latin-1"), max_size=40))
def test_madrid_join_key_is_stable(text):
    key = madrid.join_key(text)
    assert madrid.join_key(key) == key or key in madrid.ALIASES.values()


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), min_size=1, max_size=20))
def test_long_counts_keeps_every_value(pairs):
    wide = pd.DataFrame({"area_id": [f"a{i}" for i in range(len(pairs))], "t": [a for a, _ in pairs], "f": [b for _, b in pairs]})
    long = long_counts(wide, "x", 2020, {"t": "total", "f": "foreign"}, "s", False)
    assert len(long) == 2 * len(pairs)
    assert long.value.sum() == wide.t.sum() + wide.f.sum()
    assert not long.duplicated(["area_id", "group_id"]).any()


HOSTILE = st.one_of(st.text(max_size=300), st.sampled_from(["' OR 1=1 --", "<img src=x onerror=alert(1)>", "%00", "../../",
                                                            "Vienna" * 100, "🙂" * 20, "NaN", "-1", "1e309"]))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from(["city", "compare", "spatial", "origins", "explorer"]), city=HOSTILE, indicator=HOSTILE, year=HOSTILE)
def test_url_fuzz_never_raises(built_db, monkeypatch, page, city, indicator, year):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("MC2CM_DB", str(built_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in {"city": city, "indicator": indicator, "year": year, "cities": city, "group": indicator}.items():
        at.query_params[key] = value
    at.switch_page(f"views/{page}.py")
    at.run()
    assert not at.exception, [e.message for e in at.exception]
