"""District-count downloads: filters, provenance on every row, only the years that exist, every
format (CSV, Excel, Parquet, ZIP with a valid Frictionless package)."""
import io
import json
import zipfile

import pandas as pd
import pytest

from analytics import export

MADRID_YEARS = [2019, 2020, 2022, 2023]  # the municipal register files: no 2021


def test_every_row_has_licence_source_title_and_concept(con):
    """Failed on main: area_counts_table had no licence, source_title or concept column."""
    table = export.area_counts_table(con)
    assert len(table) == con.execute("SELECT count(*) FROM area_counts").fetchone()[0]  # no row lost in the joins
    for column in ("licence", "source_title", "concept", "publisher", "source_url", "group_label", "area_name", "data_version"):
        assert table[column].notna().all() and (table[column].astype(str).str.strip() != "").all(), column
    assert list(table.columns) == export.AREA_COUNT_COLUMNS
    assert set(table.data_version) == {export.data_version(con)}
    sources = dict(con.execute("SELECT source_id, title FROM sources").fetchall())
    assert (table.source_title == table.source_id.map(sources)).all()


def test_group_labels_and_concepts_follow_the_catalog(con):
    from analytics import reference

    table = export.area_counts_table(con).drop_duplicates("group_id").set_index("group_id")
    groups = reference.area_groups(con).set_index("group_id")
    assert (table.group_label == groups.label.reindex(table.index)).all()
    assert (table.concept == groups.concept.reindex(table.index)).all()
    assert table.loc["nationality:BRA", "concept"] == "foreign_citizenship"
    assert table.loc["foreign_origin", "concept"] == "migration_background"


def test_filters_by_city_year_group_and_level(con):
    """Failed on main: area_counts_table took one city and no other filter."""
    table = export.area_counts_table(con, ["madrid"], years=[2023], group_ids=["foreign"], area_levels=["district"])
    assert len(table) == 21 and set(table.area_level) == {"district"} and set(table.year) == {2023}
    centro = table.set_index("area_id").loc["D01"]
    assert centro.area_name == "Centro" and centro.value == 38676  # Panel de indicadores, Madrid
    assert centro.source_id == "madrid_panel_indicadores"
    both = export.area_counts_table(con, ["madrid", "turin"], group_ids=["total"])
    assert set(both.city_id) == {"madrid", "turin"} and set(both.group_id) == {"total"}
    assert len(export.area_counts_table(con, "madrid")) == 1216  # one city id as a string still works


def test_years_that_exist_and_no_range_claim(con):
    assert export.years_available(con, ["madrid"]) == MADRID_YEARS
    assert export.format_years(export.years_available(con, ["madrid"])) == "2019–2020, 2022–2023"
    assert export.years_available(con, ["vienna"]) == list(range(2002, 2023))
    assert 2021 not in set(export.area_counts_table(con, "madrid").year)
    data = export.export(con, {"cities": ["madrid"]}, "zip", dataset="area_counts")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        readme = archive.read("README.md").decode()
    assert "2019–2020, 2022–2023" in readme and "2019–2023" not in readme


def test_unknown_values_and_missing_years_are_refused(con):
    with pytest.raises(ValueError, match=r"no district counts for madrid in 2021; years that exist: 2019–2020, 2022–2023"):
        export.export(con, {"cities": ["madrid"], "years": [2021]}, "csv", dataset="area_counts")
    with pytest.raises(ValueError, match="unknown groups: martians"):
        export.export(con, {"groups": ["martians"]}, "csv", dataset="area_counts")
    with pytest.raises(ValueError, match="unknown filter for area_counts: indicators"):
        export.export(con, {"indicators": ["foreign_born"]}, "csv", dataset="area_counts")


def test_csv_excel_parquet(con):
    filters = {"cities": ["turin"], "years": [2021], "area_levels": ["circoscrizione"]}
    expected = export.area_counts_table(con, ["turin"], years=[2021], area_levels=["circoscrizione"])
    assert len(expected) > 0
    csv = pd.read_csv(io.BytesIO(export.export(con, filters, "csv", dataset="area_counts")), keep_default_na=False,
                      dtype={"area_id": str, "parent_area_id": str})
    assert list(csv.columns) == export.AREA_COUNT_COLUMNS and len(csv) == len(expected)
    assert (csv.licence != "").all() and (csv.concept != "").all()
    book = pd.read_excel(io.BytesIO(export.export(con, filters, "xlsx", dataset="area_counts")), sheet_name=None)
    assert set(book) == {"data", "sources", "definitions"} and len(book["data"]) == len(expected)
    assert "group_label" in set(book["definitions"].column)
    parquet = pd.read_parquet(io.BytesIO(export.export(con, filters, "parquet", dataset="area_counts")))
    assert list(parquet.columns) == export.AREA_COUNT_COLUMNS and len(parquet) == len(expected)


def test_zip_bundle_validates_and_sql_reproduces(con, tmp_path):
    import frictionless

    filters = {"cities": ["madrid", "lisbon"], "groups": ["total", "foreign"]}
    data = export.export(con, filters, "zip", url="http://127.0.0.1:8501/explorer?area_city=madrid", dataset="area_counts")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert set(archive.namelist()) == {"area_counts.csv", "datapackage.json", "README.md", "query.sql", "view-url.txt"}
        archive.extractall(tmp_path)
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["resources"][0]["schema"]["primaryKey"] == export.AREA_COUNT_KEY
    csv = pd.read_csv(tmp_path / "area_counts.csv", keep_default_na=False)
    again = con.execute((tmp_path / "query.sql").read_text()).df()
    assert len(again) == len(csv) > 0 and list(again.columns) == list(csv.columns)
    assert export.to_csv_bytes(again) == (tmp_path / "area_counts.csv").read_bytes()  # row for row, in order
    readme = (tmp_path / "README.md").read_text()
    assert "Original providers (cite these first)" in readme and "Ayuntamiento de Madrid" in readme


def test_streamed_zip_equals_in_memory_zip(con, tmp_path):
    filters = {"cities": ["vienna"], "years": [2021, 2022]}
    export.write_zip_file(con, filters, tmp_path / "v.zip", "area_counts", url="http://127.0.0.1:8501/explorer")
    in_memory = zipfile.ZipFile(io.BytesIO(export.export(con, filters, "zip", url="http://127.0.0.1:8501/explorer",
                                                         dataset="area_counts")))
    with zipfile.ZipFile(tmp_path / "v.zip") as streamed:
        assert streamed.namelist() == in_memory.namelist()
        for name in streamed.namelist():
            assert streamed.read(name) == in_memory.read(name), name


def test_geojson_carries_the_licence(con):
    geo = json.loads(export.areas_geojson_bytes(con, "madrid"))
    props = [f["properties"] for f in geo["features"] if f["properties"].get("count_year")]
    assert props and all(p["count_year"] == 2023 and p["count_licence"] for p in props)


def test_docs_list_the_area_count_columns_in_order():
    from pathlib import Path

    docs = (Path(__file__).resolve().parents[2] / "docs" / "downloads.md").read_text()
    assert ", ".join(export.AREA_COUNT_COLUMNS) in " ".join(docs.split())


def test_explorer_pages_and_counts_in_duckdb(con):
    from analytics import export

    filters = {"cities": ["madrid", "vienna"]}
    full = export.observations_table(con, ("madrid", "vienna"))
    summary = export.observations_summary(con, filters)
    assert summary["n"] == len(full) and summary["cities"] == 2 and summary["sources"] == full.source_id.nunique()
    page = export.observations_page(con, filters, limit=7, offset=5)
    assert len(page) == 7
    assert page.reset_index(drop=True).equals(full.iloc[5:12].reset_index(drop=True))
    assert export.citation_for(con, filters).splitlines()[0] == export.citation(con, full).splitlines()[0]
