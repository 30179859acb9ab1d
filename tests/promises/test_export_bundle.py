"""Promise: a download's ``query.sql`` reproduces its CSV row for row, in order, and the CSV is
in the documented key order, whatever the storage order of the database (analytics.export)."""
import io
import re
import shutil
import zipfile

import duckdb
import pandas as pd
import pytest

from analytics import export

KEYS = {"observations": ["city_id", "indicator_id", "year", "breakdown", "breakdown_value", "source_id", "geo_unit"],
        "area_counts": ["city_id", "year", "area_level", "area_id", "group_id", "source_id"]}
FILTERS = {"observations": {"cities": ["vienna", "lyon"], "years": [2000, 2030]},
           "area_counts": {"cities": ["vienna"]}}


@pytest.fixture(scope="module")
def shuffled(fixture_db_path, tmp_path_factory):
    """The fixture database with its tables stored in reverse key order, so that a query without
    ORDER BY returns rows in another order than the documented one."""
    path = tmp_path_factory.mktemp("shuffled") / "fixture.duckdb"
    shutil.copy2(fixture_db_path, path)
    con = duckdb.connect(str(path))
    for table, keys in (("observations", KEYS["observations"]), ("area_counts", ["city_id", "year", "area_id", "group_id", "source_id"])):
        con.execute(f"CREATE TEMP TABLE copy AS SELECT * FROM {table} ORDER BY {', '.join(k + ' DESC' for k in keys)}")
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} SELECT * FROM copy")
        con.execute("DROP TABLE copy")
    con.execute("CHECKPOINT")
    yield con
    con.close()


def _bundle(con, dataset):
    data = export.export(con, FILTERS[dataset], "zip", dataset=dataset)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("query.sql").decode(), archive.read(f"{dataset}.csv")


@pytest.mark.parametrize("dataset", export.DATASETS)
def test_query_sql_reproduces_the_csv_row_for_row_in_order(shuffled, dataset):
    sql, csv = _bundle(shuffled, dataset)
    again = shuffled.execute(sql).df()
    assert len(again) > 10
    assert export.to_csv_bytes(again) == csv  # same rows, same order, same bytes
    unordered = shuffled.execute(re.sub(r"\nORDER BY [^;]+;", ";", sql)).df()
    assert export.to_csv_bytes(unordered) != csv, "storage order equals key order: this test could not fail"


@pytest.mark.parametrize("dataset", export.DATASETS)
def test_csv_rows_are_in_the_documented_key_order(shuffled, dataset):
    _, csv = _bundle(shuffled, dataset)
    table = pd.read_csv(io.BytesIO(csv), keep_default_na=False, dtype=str)
    keys = table[KEYS[dataset]].assign(year=table.year.astype(int))
    assert keys.equals(keys.sort_values(KEYS[dataset], kind="stable").reset_index(drop=True))
    assert list(table.columns) == (export.OBSERVATION_COLUMNS if dataset == "observations" else export.AREA_COUNT_COLUMNS)


@pytest.mark.parametrize("dataset", export.DATASETS)
def test_streamed_csv_equals_in_memory_csv_in_order(shuffled, dataset, tmp_path):
    export.write_csv_file(shuffled, FILTERS[dataset], tmp_path / "out.csv", dataset)
    assert (tmp_path / "out.csv").read_bytes() == export.export(shuffled, FILTERS[dataset], "csv", dataset=dataset)


def test_query_sql_writes_the_filters_in_as_literals():
    sql = export.selection_sql({"cities": ["o'brien"], "years": [2010, 2012]})
    assert "o.city_id IN ('o''brien')" in sql and "o.year BETWEEN 2010 AND 2012" in sql and "?" not in sql
    assert sql.endswith(";\n")


def test_district_counts_year_filter_keeps_those_years_and_query_sql_says_so(shuffled):
    years = sorted({r[0] for r in shuffled.execute("SELECT DISTINCT year FROM area_counts WHERE city_id = 'vienna'").fetchall()})
    chosen = [str(years[-1])]  # as a URL gives it: text
    data = export.export(shuffled, {"cities": ["vienna"], "years": chosen}, "zip", dataset="area_counts")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sql, csv = archive.read("query.sql").decode(), archive.read("area_counts.csv")
    table = pd.read_csv(io.BytesIO(csv), keep_default_na=False)
    assert set(table.year) == {years[-1]} and f"c.year IN ({years[-1]})" in sql
    assert export.to_csv_bytes(shuffled.execute(sql).df()) == csv
    with pytest.raises(ValueError, match="unknown dataset 'nope'; expected one of observations, area_counts"):
        export.selection_sql({}, "nope")
