"""Promise: what a user downloads is the table they filtered, in the documented order, with
nothing added (no index column), formulas neutralised in every text column and nothing else
changed, and a failed download reports its own failure and leaves no file (analytics.export)."""
import inspect

import duckdb
import numpy as np
import pandas as pd
import pytest

from analytics import export
from tests.promises.test_export_bundle import KEYS, shuffled  # noqa: F401  (the fixture, reused)


def _sorted(frame, keys):
    keys_only = frame[keys].reset_index(drop=True)
    return keys_only.equals(keys_only.sort_values(keys, kind="stable").reset_index(drop=True))


def test_the_page_table_and_its_pages_are_in_the_documented_key_order(shuffled):  # noqa: F811
    table = export.observations_table(shuffled, cities=("vienna", "lyon"))
    assert len(table) > 10 and _sorted(table, KEYS["observations"])
    page = export.observations_page(shuffled, {"cities": ["vienna", "lyon"]}, limit=5, offset=3)
    assert page.reset_index(drop=True).equals(table.iloc[3:8].reset_index(drop=True))


def test_the_district_counts_table_is_in_the_documented_key_order(shuffled):  # noqa: F811
    table = export.area_counts_table(shuffled, city_ids=("vienna",))
    assert len(table) > 10 and _sorted(table, KEYS["area_counts"])


def test_no_year_filter_is_the_same_query_as_the_default_year_range_of_the_table():
    """An export without years and the page table (default years) run the same query: query.sql is the same."""
    default = inspect.signature(export.observations_table).parameters["years"].default
    assert export.selection_sql({}) == export.selection_sql({"years": default})


@pytest.mark.parametrize("value", [True, False, 2019, "o'brien", "Ville de Lyon"])
def test_query_sql_writes_each_parameter_as_the_literal_duckdb_reads_back(value):
    literal = export._sql_literal(value)
    back = duckdb.connect().execute(f"SELECT {literal}").fetchone()[0]
    assert back == value and type(back) is type(value)


def test_csv_of_a_filtered_table_has_no_index_column():
    frame = pd.DataFrame({"city_id": ["lyon", "amman", "vienna"], "value": [1.5, 2.0, 3.0]}, index=[7, 3, 12])
    assert export.to_csv_bytes(frame) == b'"city_id","value"\n"lyon",1.5\n"amman",2\n"vienna",3\n'
    assert export.to_csv_bytes(frame.iloc[1:]) == b'"city_id","value"\n"amman",2\n"vienna",3\n'


def test_formulas_are_neutralised_in_a_mixed_text_and_number_column():
    frame = pd.DataFrame({"note": pd.Series(["=HYPERLINK(1)", 3, "plain"], dtype=object)})
    assert list(export.neutralise_formulas(frame).note) == ["'=HYPERLINK(1)", 3, "plain"]


def test_formulas_are_neutralised_after_a_column_of_non_text_objects():
    frame = pd.DataFrame({"ids": pd.Series([1, 2], dtype=object), "note": ["=1+1", "fine"]})
    out = export.neutralise_formulas(frame)
    assert list(out.note) == ["'=1+1", "fine"] and list(out.ids) == [1, 2]


def test_neutralising_changes_only_the_risky_cells_missing_ones_stay_missing():
    frame = pd.DataFrame({"obj": pd.Series(["=1", None, "x"], dtype=object),
                          "text": pd.Series(["+2", pd.NA, "y"], dtype="string"),
                          "num": [1.0, np.nan, 3.0]})
    out = export.neutralise_formulas(frame)
    assert out.obj.iloc[0] == "'=1" and out.obj.iloc[1] is None and out.obj.iloc[2] == "x"
    assert out.text.iloc[0] == "'+2" and out.text.iloc[1] is pd.NA and out.text.iloc[2] == "y"
    assert out.num.equals(frame.num) and out.dtypes.equals(frame.dtypes)
    assert export.to_csv_bytes(frame).splitlines()[2] == b',,'


def test_streamed_csv_without_a_dataset_is_the_observations(shuffled, tmp_path):  # noqa: F811
    n = export.write_csv_file(shuffled, {"cities": ["lyon"]}, tmp_path / "out.csv")
    assert n > 0 and (tmp_path / "out.csv").read_bytes() == export.export(shuffled, {"cities": ["lyon"]}, "csv")


def test_streamed_district_counts_accept_their_own_filters(shuffled, tmp_path):  # noqa: F811
    group = shuffled.execute("SELECT min(group_id) FROM area_counts WHERE city_id = 'vienna'").fetchone()[0]
    filters = {"cities": ["vienna"], "groups": [group]}
    n = export.write_csv_file(shuffled, filters, tmp_path / "out.csv", "area_counts")
    assert n > 0 and (tmp_path / "out.csv").read_bytes() == export.export(shuffled, filters, "csv", dataset="area_counts")


def test_a_failed_streamed_download_reports_the_database_error_and_leaves_no_file(shuffled, tmp_path):  # noqa: F811
    target = tmp_path / "no such folder" / "out.csv"
    with pytest.raises(duckdb.Error):
        export.write_csv_file(shuffled, {"cities": ["lyon"]}, target)
    assert not target.parent.exists() and list(tmp_path.iterdir()) == []
