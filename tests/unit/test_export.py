"""Downloads: exact CSV output, Frictionless validation, round trip through ingest, formula
neutralisation, every row with its source, all formats."""
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from analytics import export

EXPECTED = Path(__file__).resolve().parents[1] / "fixtures" / "expected_turin_foreign_born.csv"
TURIN = {"cities": ["turin"], "indicators": ["foreign_born_share", "foreign_born"]}


def test_exact_csv_output(con):
    assert export.export(con, TURIN, "csv") == EXPECTED.read_bytes()


def test_csv_column_order_is_documented(con):
    import csv

    header = next(csv.reader(io.StringIO(export.export(con, TURIN, "csv").decode())))
    assert header == export.OBSERVATION_COLUMNS
    docs = (Path(__file__).resolve().parents[2] / "docs" / "downloads.md").read_text()
    assert ", ".join(export.OBSERVATION_COLUMNS[:5]) in docs.replace("\n", " ")


def test_every_row_carries_its_source(con):
    table = export.observations_table(con)
    assert len(table) == con.execute("SELECT count(*) FROM observations").fetchone()[0]
    assert table[["source_id", "publisher", "source_url", "source_type"]].notna().all().all()
    assert (table.source_url.str.len() > 0).all()


def test_formula_injection_is_neutralised():
    frame = pd.DataFrame({"note": ["=HYPERLINK(\"http://evil\")", "+1+1", "-2", "@SUM(A1)", "plain", "\tx"], "value": [1, 2, -3, 4, 5, 6]})
    back = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), keep_default_na=False)
    assert list(back.note) == ["'=HYPERLINK(\"http://evil\")", "'+1+1", "'-2", "'@SUM(A1)", "plain", "'\tx"]
    assert list(back.value) == [1, 2, -3, 4, 5, 6]  # numbers are left alone


def test_excel_has_three_sheets_and_neutralised_text(con):
    table = export.observations_table(con, cities=["vienna"])
    table.loc[table.index[0], "note"] = "=cmd|' /C calc'!A0"
    book = pd.read_excel(io.BytesIO(export.to_excel_bytes(con, table)), sheet_name=None)
    assert set(book) == {"data", "sources", "definitions"}
    assert book["data"].note.iloc[0].startswith("'=")
    assert set(book["sources"].source_id) == set(table.source_id)


def test_zip_bundle_contents_and_datapackage_validates(con, tmp_path):
    import frictionless

    data = export.export(con, {"cities": ["madrid", "lisbon"]}, "zip", url="http://127.0.0.1:8501/explorer?cities=Madrid")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == {"observations.csv", "datapackage.json", "README.md", "query.sql", "view-url.txt"}
        archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    readme = (tmp_path / "README.md").read_text()
    assert "Original providers (cite these first)" in readme and "data version" in readme
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["version"] == export.data_version(con)


def test_bundle_sql_reproduces_the_table(con, tmp_path):
    filters = {"cities": ["vienna"], "concepts": ["foreign_citizenship"], "years": [2010, 2024]}
    data = export.export(con, filters, "zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sql = archive.read("query.sql").decode()
        csv = pd.read_csv(io.BytesIO(archive.read("observations.csv")), keep_default_na=False)
    again = con.execute(sql).df()
    assert len(again) == len(csv) > 0
    assert list(again.columns) == list(csv.columns)


def test_citation_lists_providers_first(con):
    table = export.observations_table(con, cities=["tunis"])
    text = export.citation(con, table)
    assert text.startswith("Original providers")
    assert text.index("MC2CM city migration dashboard") > text.index(table.publisher.iloc[0])


def test_parquet_and_geojson(con):
    parquet = pd.read_parquet(io.BytesIO(export.export(con, TURIN, "parquet")))
    assert list(parquet.columns) == export.OBSERVATION_COLUMNS and len(parquet) == 4
    geo = json.loads(export.export(con, {"cities": ["vienna"]}, "geojson", city_id="vienna"))
    assert len(geo["features"]) == 23
    props = geo["features"][0]["properties"]
    assert props["count_year"] == 2022 and props["count_source_id"] == "vienna_ma23_population_origin" and "count_total" in props


def test_unknown_filter_values_are_refused(con):
    with pytest.raises(ValueError, match="unknown cities: paris"):
        export.export(con, {"cities": ["paris"]}, "csv")
    with pytest.raises(ValueError, match="unknown format"):
        export.export(con, {}, "pdf")


def test_round_trip_csv_reingests_into_identical_table(con, workspace, tmp_path):
    from analytics.db import connect
    from analytics.ingest import ingest_file

    original = export.observations_table(con, cities=["madrid", "lisbon", "lyon", "turin"], source_types=["official_statistics"])
    original = original[original.source_id.str.startswith("eurostat")]
    path = tmp_path / "eurostat_download.csv"
    path.write_bytes(export.to_csv_bytes(original))
    eurostat = workspace["harmonised"] / "observations_eurostat.csv"
    eurostat.write_text(eurostat.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")  # the workspace lacks these figures
    from analytics.db import build
    build(workspace["db"], workspace["harmonised"], workspace["ingested"])
    ingest_file(path, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"])
    other = connect(workspace["db"])
    again = export.observations_table(other, cities=["madrid", "lisbon", "lyon", "turin"], source_types=["official_statistics"])
    other.close()
    again = again[again.source_id.str.startswith("eurostat")]
    columns = [c for c in export.OBSERVATION_COLUMNS if c != "flag"]
    pd.testing.assert_frame_equal(original[columns].reset_index(drop=True), again[columns].reset_index(drop=True))
