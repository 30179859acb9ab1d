"""The corpus of bad ingest files (tests/fixtures/bad_ingest, >= 40 files): each is rejected
with a message naming the file, the row / column and the reason; the database file stays
byte-identical and nothing is added to the harmonised data."""
import hashlib
import json
import re
from pathlib import Path

import pytest

from analytics.ingest import IngestError, ingest_file

CORPUS = Path(__file__).resolve().parents[1] / "fixtures" / "bad_ingest"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))


def test_corpus_is_large_enough():
    assert len(EXPECTED) >= 40
    assert {p.name for p in CORPUS.glob("*.csv")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_rejected_database_unchanged(name, workspace):
    before = hashlib.sha256(workspace["db"].read_bytes()).hexdigest()
    with pytest.raises(IngestError) as info:
        ingest_file(CORPUS / name, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"])
    message = str(info.value)
    assert name in message
    assert re.search(EXPECTED[name], message), message
    assert hashlib.sha256(workspace["db"].read_bytes()).hexdigest() == before
    assert not workspace["ingested"].exists() or not list(workspace["ingested"].iterdir())


def test_oversized_file_rejected(workspace, tmp_path):
    from analytics.ingest import MAX_BYTES

    path = tmp_path / "huge.csv"
    line = "vienna,foreign_citizens,2025,1,persons,x,municipality,s,t,p,https://x.org,secondary\n"
    with open(path, "w") as handle:
        handle.write("city_id,indicator_id,year,value,unit,geo_unit,geo_level,source_id,source_title,publisher,source_url,source_type\n")
        handle.write(line * (MAX_BYTES // len(line) + 10))
    before = hashlib.sha256(workspace["db"].read_bytes()).hexdigest()
    with pytest.raises(IngestError, match="over the .* byte limit"):
        ingest_file(path, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"])
    assert hashlib.sha256(workspace["db"].read_bytes()).hexdigest() == before
