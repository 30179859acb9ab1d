"""Ingest: good files are added through the same validation; bad files change nothing."""
import hashlib

import pytest

from analytics.ingest import IngestError, ingest_file

HEADER = "city_id,indicator_id,year,value,unit,geo_unit,geo_level,source_id,source_title,publisher,source_url,source_type,is_estimate,note"
GOOD = "vienna,foreign_citizens,2025,732000,persons,Vienna (city = federal state),municipality,my-src,Vienna in figures,Stadt Wien MA 23,https://www.wien.gv.at/statistik/,city_administration,false,1 Jan"


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write(tmp_path, text, name="user.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


BAD_FILES = {
    "wrong columns": ("city,indicator,year,value\nvienna,foreign_citizens,2025,1\n", r"required column\(s\) missing"),
    "unknown column": (HEADER + ",colour\n" + GOOD + ",red\n", r"unknown column\(s\)"),
    "text in a number": (HEADER + "\n" + GOOD.replace("732000", "many"), r"row 2, column value: 'many' is not a number"),
    "negative count": (HEADER + "\n" + GOOD.replace("732000", "-5"), r"row 2, column value: negative value"),
    "share over 100": (HEADER + "\n" + GOOD.replace("foreign_citizens,", "foreign_citizens_share,").replace("732000,persons", "130,percent"),
                       r"row 2, column value: share 130 outside 0..100"),
    "unknown city": (HEADER + "\n" + GOOD.replace("vienna,", "paris,", 1), r"row 2, column city_id: unknown city 'paris'"),
    "unknown indicator": (HEADER + "\n" + GOOD.replace("foreign_citizens", "happiness"), r"column indicator_id: unknown indicator 'happiness'"),
    "duplicate key": (HEADER + "\n" + GOOD + "\n" + GOOD, r"row 3, column .*: duplicate key within the file"),
    "empty file": ("", r"the file is empty"),
    "header only": (HEADER + "\n", r"no data rows"),
    "wrong encoding": ((HEADER + "\n" + GOOD.replace("Stadt Wien", "Ville de Montréal")).encode("latin-1"), r"not UTF-8"),
    "utf-16": ((HEADER + "\n" + GOOD).encode("utf-16"), r"not UTF-8|NUL bytes"),
    "bad year": (HEADER + "\n" + GOOD.replace(",2025,", ",20x5,"), r"column year: '20x5' is not a four-digit year"),
    "unknown geo_level": (HEADER + "\n" + GOOD.replace(",municipality,", ",planet,"), r"column geo_level: unknown geo_level"),
    "unknown source_type": (HEADER + "\n" + GOOD.replace(",city_administration,", ",rumour,"), r"column source_type"),
    "missing source": (HEADER + "\n" + GOOD.replace("https://www.wien.gv.at/statistik/", ""), r"column source_url: empty value"),
    "unit mismatch": (HEADER + "\n" + GOOD.replace(",persons,", ",percent,").replace("732000", "50"), r"column unit: unit 'percent' differs"),
    "infinite value": (HEADER + "\n" + GOOD.replace("732000", "inf"), r"column value: 'inf' is not a number"),
    "same source described twice": (HEADER + "\n" + GOOD + "\n" + GOOD.replace(",2025,", ",2024,").replace("Vienna in figures", "Other"),
                                    r"described differently"),
    "not csv": ('a,"b\n1,2\n', r"not a valid CSV|required column"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_rejected_and_database_unchanged(case, workspace, tmp_path):
    text, pattern = BAD_FILES[case]
    path = _write(tmp_path, text)
    before = _sha(workspace["db"])
    with pytest.raises(IngestError) as info:
        ingest_file(path, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"])
    message = str(info.value)
    assert str(path) in message
    if pattern:
        import re
        assert re.search(pattern, message), message
    assert _sha(workspace["db"]) == before
    assert not workspace["ingested"].exists() or not any(workspace["ingested"].iterdir())


def test_conflict_with_existing_figure(workspace, tmp_path, con):
    row = con.execute("SELECT * FROM observations WHERE city_id='vienna' AND breakdown='' LIMIT 1").df().iloc[0]
    src = con.execute("SELECT * FROM sources WHERE source_id=?", [row.source_id]).df().iloc[0]
    line = ",".join([row.city_id, row.indicator_id, str(row.year), "1", row.unit, f'"{row.geo_unit}"', row.geo_level,
                     row.source_id, f'"{src.title}"', f'"{src.publisher}"', src.url, src.source_type, "false", ""])
    path = _write(tmp_path, HEADER + "\n" + line + "\n")
    before = _sha(workspace["db"])
    with pytest.raises(IngestError, match="already in the database"):
        ingest_file(path, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"])
    assert _sha(workspace["db"]) == before


def test_good_file_is_ingested_and_queryable(workspace, tmp_path):
    import duckdb

    path = _write(tmp_path, HEADER + "\n" + GOOD + "\n")
    result = ingest_file(path, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"])
    assert result["ingested_rows"] == 1
    con = duckdb.connect(str(workspace["db"]), read_only=True)
    row = con.execute("""SELECT o.value, o.concept, o.flag, s.publisher FROM observations o JOIN sources s USING (source_id)
                         WHERE o.source_id='my-src'""").fetchone()
    # Stadt Wien's own 738,886 for 1 January 2025 is in the data since issue 20: both kept, flagged as disagreeing
    assert row == (732000.0, "foreign_citizenship", "ingested disagreement", "Stadt Wien MA 23")
    with pytest.raises(IngestError, match="already ingested"):
        ingest_file(path, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"])


def test_build_failure_leaves_previous_database_byte_identical(workspace):
    from analytics.db import build
    from analytics.validate import ValidationError

    before = _sha(workspace["db"])
    counts = workspace["harmonised"] / "area_counts_vienna.csv"
    lines = counts.read_text().splitlines()
    fields = lines[1].split(",")
    fields[4] = "-5"  # columns: city_id, area_id, year, group_id, value, source_id, is_estimate
    lines[1] = ",".join(fields)
    counts.write_text("\n".join(lines) + "\n")
    with pytest.raises(ValidationError, match=r"area_counts: row \d+, column value"):
        build(workspace["db"], workspace["harmonised"], workspace["ingested"])
    assert _sha(workspace["db"]) == before
