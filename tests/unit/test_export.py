"""Downloads: exact CSV output, Frictionless validation, round trip through ingest, formula
neutralisation, every row with its source, all formats."""
import io
import json
import re
import zipfile
from datetime import date
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
    assert "2019–2023" not in readme  # years are listed as they exist
    package = json.loads((tmp_path / "datapackage.json").read_text())
    assert package["version"] == export.data_version(con)


def test_bundle_sql_reproduces_the_table(con, tmp_path):
    filters = {"cities": ["vienna"], "concepts": ["foreign_citizenship"], "years": [2010, 2024]}
    data = export.export(con, filters, "zip")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sql = archive.read("query.sql").decode()
        archive_csv = archive.read("observations.csv")
        csv = pd.read_csv(io.BytesIO(archive_csv), keep_default_na=False)
    again = con.execute(sql).df()
    assert len(again) == len(csv) > 0
    assert list(again.columns) == list(csv.columns)
    # row for row, value for value, in order: the SQL's result written as the export writes it is the CSV
    assert export.to_csv_bytes(again) == archive_csv


def test_citation_short_form_first_then_providers(con):
    table = export.observations_table(con, cities=["tunis"])
    text = export.citation(con, table, "http://127.0.0.1:8501/explorer?cities=tunis", today=date(2026, 12, 1))
    short, blank, heading = text.splitlines()[:3]
    assert re.fullmatch(r".+ \(\d{4}(?:[–, \d]*)\)\. MC2CM city migration dashboard, data version [0-9a-f]{12}, "
                        r"retrieved 2026-12-01\. http://127\.0\.0\.1:8501/explorer\?cities=tunis", short), short
    assert blank == "" and heading == "Original providers (cite these first):"
    assert export.provider_name(table.publisher.iloc[0]) in text


def test_citation_names_each_provider_once_and_stays_short(con):
    """Failed on main: Vienna's first provider (Kurier) was listed twice, 22 lines, no short form."""
    table = export.observations_table(con, cities=["vienna"])
    assert table.source_id.nunique() >= 15  # a real multi-source selection
    lines = export.citation(con, table, "http://127.0.0.1:8501/explorer").splitlines()
    assert len(lines) < 20  # 19 lines since issue 20: Statistik Austria (releases of 2022, 2024, 2026) is a provider of its own
    entries = [line for line in lines if line.startswith("- ")]
    names = [export.provider_name(line[2:].split(": ", 1)[0]) for line in entries]
    assert len(names) == len(set(names)) == table.publisher.map(export.provider_name).nunique()
    works = [w for line in entries for w in line.split(": ", 1)[1].split("; ")]
    assert len(works) == len(set(works))
    assert sum(line.count("Bereits 18.000 Asylwerber") for line in lines) == 1  # two source ids, one work
    assert len(lines) == len(names) + 3  # short form, blank line, heading, one line per provider
    assert lines[0].count("MC2CM city migration dashboard") == 1 and f"and {len(names) - 3} others (" in lines[0]


def test_provider_name():
    assert export.provider_name("Kurier (citing Fonds Soziales Wien application)") == "Kurier"
    assert export.provider_name("City of Vienna, MA 23 (Statistik Wien)") == "City of Vienna"
    assert export.provider_name("Eurostat") == "Eurostat"


def test_year_lists_show_gaps():
    assert export.format_years([2023, 2019, 2020, 2022, 2022]) == "2019–2020, 2022–2023"
    assert export.format_years([2011]) == "2011"
    assert export.format_years(range(2002, 2023)) == "2002–2022"
    assert export.format_years([]) == ""


# --------------------------------------------------------------------------- licences

def _licence_problems(table):
    """Rows whose licence is empty or not a licence: the rule of tests/data/test_licences.py (a
    name from catalog/sources.yaml ``licences``, optionally qualified, or a URL)."""
    from tests.data.test_licences import licence_name, licence_parts

    def bad(text):
        text = "" if text is None or text != text else str(text)
        return not text.strip() or any(licence_name(part) is None for part in licence_parts(text))

    return sorted(set(table.source_id[table.licence.map(bad)]))


def test_licence_column_is_the_sources_licence(con):
    table = export.observations_table(con)
    sources = dict(con.execute("SELECT source_id, licence FROM sources").fetchall())
    assert (table.licence == table.source_id.map(sources)).all()


def test_every_exported_row_has_a_licence_not_a_provenance_note(con):
    """Failed on main before the licence fix (d1f74dc): 105 curated sources held "as stated by the
    publisher (figure cited with attribution)" as their licence."""
    assert _licence_problems(export.observations_table(con)) == []
    assert _licence_problems(export.area_counts_table(con)) == []
    note = pd.DataFrame({"source_id": ["x", "y"], "licence": ["as stated by the publisher (figure cited with attribution)", ""]})
    assert _licence_problems(note) == ["x", "y"]  # the check can fail


# --------------------------------------------------------------------------- streaming writers

def test_streamed_csv_matches_the_fixture_byte_for_byte(con, tmp_path):
    export.write_csv_file(con, TURIN, tmp_path / "turin.csv")
    assert (tmp_path / "turin.csv").read_bytes() == EXPECTED.read_bytes()


@pytest.mark.parametrize("dataset", export.DATASETS)
def test_streamed_csv_equals_in_memory_csv(con, tmp_path, dataset):
    n = export.write_csv_file(con, {}, tmp_path / "all.csv", dataset)
    in_memory = export.to_csv_bytes(export._table(con, dataset, {}))
    assert n > 400 and (tmp_path / "all.csv").read_bytes() == in_memory


def test_streamed_number_format_is_arrows():
    """DuckDB prints 147956.0 and 1e-05 where Arrow prints 147956 and 0.00001: the COPY path formats
    doubles as Arrow does. Checked on edge cases and 20,000 random values of every magnitude."""
    import duckdb
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(4)
    values = [0.0, -0.0, 1.0, -1.0, 147956.0, 17.46, 0.1, 1e-6, 9.9e-7, 1e-5, 1e-7, 999999999.0, 1e9, 1e10, 1.5e10,
              2.0 ** 53, 1e15, 1e16, 1e21, 1e300, 5e-324, 1.7976931348623157e308, 12345.678901234567, -0.00012,
              float("inf"), float("-inf"), float("nan")]
    values += list(rng.lognormal(0, 12, 10000) * rng.choice([-1, 1], 10000)) + list(np.round(rng.lognormal(5, 4, 10000), 2))
    frame = pd.DataFrame({"v": values})
    buffer = io.BytesIO()
    pacsv.write_csv(pa.Table.from_pandas(frame, preserve_index=False), buffer,
                    pacsv.WriteOptions(quoting_style="needed", include_header=False))
    arrow = buffer.getvalue().decode().splitlines()
    duck = duckdb.connect()
    duck.execute(export._MACROS)
    ours = [r[0] or "" for r in duck.execute("SELECT mc2cm_number(v) FROM frame").fetchall()]  # NULL: empty cell
    assert [(v, a, o) for v, a, o in zip(values, arrow, ours) if a != o] == []


def test_streamed_text_is_neutralised_like_the_in_memory_path():
    import duckdb

    duck = duckdb.connect()
    duck.execute(export._MACROS)
    cells = ["=HYPERLINK(1)", "+1", "-2", "@A1", "\tx", "\rx", "plain", "", None, "a=b"]
    ours = [r[0] for r in duck.execute("SELECT mc2cm_text(t) FROM unnest(?) u(t)", [cells]).fetchall()]
    expected = [None if t is None or t != t else t for t in export.neutralise_formulas(pd.DataFrame({"t": cells}, dtype=object)).t]
    assert ours == expected and ours[:6] == ["'=HYPERLINK(1)", "'+1", "'-2", "'@A1", "'\tx", "'\rx"]


@pytest.mark.parametrize("dataset", export.DATASETS)
def test_streamed_parquet_equals_in_memory_parquet(con, tmp_path, dataset):
    n = export.write_parquet_file(con, {"cities": ["madrid", "turin"]}, tmp_path / "x.parquet", dataset)
    streamed = pd.read_parquet(tmp_path / "x.parquet")
    in_memory = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(export._table(con, dataset, {"cities": ["madrid", "turin"]}))))
    assert n == len(streamed) > 0
    pd.testing.assert_frame_equal(streamed, in_memory, check_dtype=False)


def test_cli_export_streams_from_duckdb(con, built_db, tmp_path, monkeypatch):
    """The CLI never builds the table in Python for csv, parquet or zip."""
    from analytics.__main__ import main

    monkeypatch.setenv("MC2CM_DB", str(built_db))
    for name in ("_table", "to_csv_bytes", "observations_table", "area_counts_table", "to_parquet_bytes"):
        monkeypatch.setattr(export, name, lambda *a, **k: (_ for _ in ()).throw(AssertionError("loaded in memory")))
    assert main(["export", "--city", "turin", "--indicator", "foreign_born_share", "--indicator", "foreign_born",
                 "--format", "csv", "-o", str(tmp_path / "t.csv")]) == 0
    assert (tmp_path / "t.csv").read_bytes() == EXPECTED.read_bytes()
    assert main(["export", "--dataset", "area_counts", "--city", "madrid", "--format", "zip", "-o", str(tmp_path / "m.zip")]) == 0
    with zipfile.ZipFile(tmp_path / "m.zip") as archive:
        assert set(archive.namelist()) == {"area_counts.csv", "datapackage.json", "README.md", "query.sql"}
        assert "1216 district counts" in archive.read("README.md").decode()
    assert main(["export", "--dataset", "area_counts", "--city", "madrid", "--format", "parquet", "-o", str(tmp_path / "m.parquet")]) == 0
    assert len(pd.read_parquet(tmp_path / "m.parquet")) == 1216


def test_cli_refuses_a_year_without_counts(built_db, tmp_path, monkeypatch, capsys):
    from analytics.__main__ import main

    monkeypatch.setenv("MC2CM_DB", str(built_db))
    assert main(["export", "--dataset", "area_counts", "--city", "madrid", "--year", "2021", "-o", str(tmp_path / "x.csv")]) == 2
    assert "no district counts for madrid in 2021; years that exist: 2019–2020, 2022–2023" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()


# --------------------------------------------------------------------------- text from data stays text

HOSTILE = {
    "publisher": "![x](http://evil.example/pixel.png) <img src=http://evil.example/i.png> Evil & Co",
    "source_title": "[phish](http://x) **bold** <a href='http://evil.example'>click</a> `code` ```fence",
    "source_url": "javascript:alert(1)",
    "geo_unit": "[Vienna](http://evil.example/geo)",
    "city": "[Tunis](http://evil.example/city)",
}


def _hostile_table(con):
    table = export.observations_table(con, cities=["tunis"]).head(3).copy()
    for column, value in HOSTILE.items():
        table[column] = value
    table.loc[table.index[1], "source_url"] = "http://x"  # a valid URL stays, as plain text
    table.loc[table.index[2], "source_url"] = "data:text/html,<script>alert(1)</script>"
    table["source_id"] = ["h1", "h2", "h3"]
    return table


def _html(markdown_text):
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).render(markdown_text)


def test_hostile_data_text_never_becomes_a_link_or_image(con):
    """Failed on main: the README rendered the publisher's image and the title's link, and printed
    the javascript: URL."""
    table = _hostile_table(con)
    text = export.readme(con, table, {"cities": ["tunis"]}, url="javascript:alert(2)")
    html = _html(text)
    assert "<img" not in html and "<a " not in html and "href" not in html.replace("&lt;a href", "")
    assert "javascript:" not in text and "data:text" not in text
    citation = export.citation(con, table, "javascript:alert(2)")
    assert "javascript:" not in citation and "data:text" not in citation
    assert "http://x" in citation  # a valid http URL is printed, as text
    package = export.datapackage(con, table, {}, url="javascript:alert(2)")
    assert "homepage" not in package and all(s.get("path", "http").startswith("http") for s in package["sources"])


def test_markdown_escape_renders_as_the_same_text():
    for value in ["[phish](http://x)", "![x](http://evil.example)", "<b>x</b>", "a_b*c*", "www.evil.example", "Ünïcødé"]:
        html = _html(export._markdown_text(value))
        assert "<a" not in html and "<img" not in html and "<b>" not in html
        assert html.strip().removeprefix("<p>").removesuffix("</p>").replace("&lt;", "<").replace("&gt;", ">") \
            .replace("&quot;", '"').replace("&amp;", "&") == value


def test_safe_url():
    assert export._safe_url("https://datos.madrid.es/") == "https://datos.madrid.es/"
    for bad in ["javascript:alert(1)", "data:text/html,x", "http://", "/relative", "ftp://x.example", "http://a b", "http://x\n.example", None]:
        assert export._safe_url(bad) == "", bad


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
