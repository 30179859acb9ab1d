"""Issue 14 (hardening), ingest and build side: one test group per finding.

2 plausibility bounds, 3 all-or-nothing ingest under interruption, 4 unique reversible stored
names, 6 rows with a wrong number of fields, 7 missing input files, 9 Unicode-normalised keys
and sources, 10 messages (row numbers after blank lines, all-digit names, control characters,
size before reading). Finding 1 (text from data is text) is in test_text_safety.py.
"""
from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import tracemalloc
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analytics import bounds
from analytics.ingest import IngestError, ingest_file
from analytics.normalise import text_key, url_key

ROOT = Path(__file__).resolve().parents[2]
HEADER = "city_id,indicator_id,year,value,unit,geo_unit,geo_level,source_id,source_title,publisher,source_url,source_type,is_estimate,note"
FIELDS = HEADER.split(",")
GOOD = dict(zip(FIELDS, ["vienna", "foreign_citizens", "2025", "732000", "persons", "Vienna (city = federal state)", "municipality",
                         "my-src", "Vienna in figures", "Stadt Wien MA 23", "https://www.wien.gv.at/statistik/",
                         "city_administration", "false", "1 Jan"]))


def line(**changes) -> str:
    values = {**GOOD, **changes}
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow([values[f] for f in FIELDS])
    return out.getvalue()


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def tree(folder: Path) -> dict:
    """Every file and folder under ``folder`` with its content hash (folders: None)."""
    return {str(p.relative_to(folder)): (sha(p) if p.is_file() else None) for p in sorted(Path(folder).rglob("*"))}


def ingest(workspace, path, **kw):
    return ingest_file(path, target_db=workspace["db"], harmonised=workspace["harmonised"], ingested=workspace["ingested"], **kw)


def refused(workspace, path, pattern, **kw) -> str:
    before_db, before_tree = sha(workspace["db"]), tree(workspace["harmonised"])
    with pytest.raises(IngestError) as info:
        ingest(workspace, path, **kw)
    message = str(info.value)
    assert re.search(pattern, message), message
    assert sha(workspace["db"]) == before_db
    assert tree(workspace["harmonised"]) == before_tree
    return message


def write(tmp_path, text, name="user.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


# --- Finding 2: plausibility bounds, one place ----------------------------------------------------------------------

LAST = bounds.last_year()
BOUND_CASES = {
    "1e308 persons": (line(value="1e308"), r"row 2, column value: value 1e\+308 above the bound 9,\d{3},\d{3} \(1.05 x the population of AUT"),
    "twice Austria": (line(value="20000000"), r"row 2, column value: value 2e\+07 above the bound"),
    "year 2099": (line(year="2099"), rf"row 2, column year: year 2099 outside 1800..{LAST}"),
    "next year": (line(year=str(LAST + 1)), rf"row 2, column year: year {LAST + 1} outside 1800..{LAST}"),
    "year 1799": (line(year="1799"), rf"row 2, column year: year 1799 outside 1800..{LAST}"),
    "negative zero": (line(value="-0"), r"row 2, column value: value -0 \(negative zero\)"),
    "negative zero decimal": (line(value="-0.0"), r"row 2, column value: value -0 \(negative zero\)"),
    "overflow to infinity": (line(value="1e309"), r"row 2, column value: value inf is not a finite number"),
    "share 100.5": (line(indicator_id="foreign_citizens_share", unit="percent", value="100.5"), r"row 2, column value: share 100.5 outside 0..100"),
}


@pytest.mark.parametrize("case", BOUND_CASES)
def test_implausible_figures_refused_at_ingest(case, workspace, tmp_path):
    text, pattern = BOUND_CASES[case]
    refused(workspace, write(tmp_path, HEADER + "\n" + text + "\n"), pattern)


def test_bounds_are_those_documented():
    doc = (ROOT / "docs" / "ingest-format.md").read_text(encoding="utf-8")
    assert "## Plausibility bounds" in doc
    for fact in (str(bounds.FIRST_YEAR), "50 million", "1.5 billion", str(bounds.POPULATION_MARGIN), "analytics/bounds.py"):
        assert fact in doc, fact
    assert bounds.CITY_MAX == 50_000_000 and bounds.NATIONAL_MAX == 1_500_000_000


def test_count_bound_tied_to_population_else_absolute():
    limits = bounds.Limits({"vienna": "AUT", "newcity": "XXX"}, {"AUT": 9_177_982.0})
    assert limits.count_bound(city_id="vienna")[0] == pytest.approx(1.05 * 9_177_982)
    assert limits.count_bound(city_id="newcity") == (50_000_000, "the absolute bound for a city-level unit")
    assert limits.count_bound(city_id="newcity", geo_level="national")[0] == 1_500_000_000
    assert limits.count_bound(iso3="AUT", indicator_id="population_worldbank")[0] == 1_500_000_000
    assert bounds.value_problem(-5.0, "persons", signed=True) is None
    assert "negative value" in bounds.value_problem(-5.0, "persons")
    assert bounds.value_problem(0.0, "persons") is None
    assert "negative zero" in bounds.value_problem(-0.0, "persons")
    assert "not a finite" in bounds.value_problem(float("nan"), "percent")


def test_real_data_is_within_bounds(built_db):
    """The shipped data passes the bounds (the build ran): pin the largest count and the years."""
    con = duckdb.connect(str(built_db), read_only=True)
    first, last = con.execute("SELECT min(year), max(year) FROM observations").fetchone()
    assert bounds.FIRST_YEAR <= first and last <= LAST
    con.close()


@pytest.mark.parametrize("table,column,value,pattern", [
    ("observations_curated.csv", "value", "1e308", r"observations: row 1, column value: value 1e\+308 above the bound"),
    ("observations_curated.csv", "year", "2099", r"observations: row 1, column year: year 2099 outside 1800"),
    ("observations_curated.csv", "value", "-0.0", r"observations: row 1, column value: value -0 \(negative zero\)"),
    ("area_counts_vienna.csv", "value", "1e12", r"area_counts: row \d+, column value: value 1e\+12 above the bound"),
    ("country_context.csv", "year", "2099", r"country_context: row \d+, column year: year 2099 outside"),
])
def test_build_refuses_implausible_harmonised_figures(workspace, table, column, value, pattern):
    from analytics.db import build
    from analytics.validate import ValidationError

    path = workspace["harmonised"] / table
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    rows[1][rows[0].index(column)] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    before = sha(workspace["db"])
    with pytest.raises(ValidationError) as info:
        build(workspace["db"], workspace["harmonised"], workspace["ingested"])
    assert re.search(pattern, str(info.value)), str(info.value)
    assert sha(workspace["db"]) == before


# --- Finding 3: all or nothing under any interruption ---------------------------------------------------------------

def test_keyboard_interrupt_during_rebuild_leaves_nothing_and_retry_works(workspace, tmp_path, monkeypatch):
    import analytics.db as db

    path = write(tmp_path, HEADER + "\n" + line() + "\n")
    before_db, before_tree = sha(workspace["db"]), tree(workspace["harmonised"])
    real = db.write_database

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(db, "write_database", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ingest(workspace, path)
    assert sha(workspace["db"]) == before_db
    assert tree(workspace["harmonised"]) == before_tree
    monkeypatch.setattr(db, "write_database", real)
    assert ingest(workspace, path)["ingested_rows"] == 1


def _cli(workspace, path, env=None, **kw):
    environment = {**os.environ, "MC2CM_DB": str(workspace["db"]), **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "analytics", "ingest", str(path), "--harmonised", str(workspace["harmonised"])],
                            cwd=ROOT, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kw)


def _stop_at(workspace, path, moment, sig, tmp_path):
    marker = tmp_path / f"at-{moment}-{sig}"
    proc = _cli(workspace, path, {"MC2CM_INGEST_PAUSE_AT": moment, "MC2CM_INGEST_PAUSE_FILE": str(marker)})
    deadline = time.time() + 120
    while not marker.exists() and proc.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert marker.exists(), f"the ingest never reached {moment}: {proc.communicate()}"
    os.kill(proc.pid, sig)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, err


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT], ids=["SIGKILL", "SIGINT"])
def test_ingest_killed_before_commit_changes_nothing_and_retry_works(workspace, tmp_path, sig):
    path = write(tmp_path, HEADER + "\n" + line() + "\n")
    before_db, before_tree = sha(workspace["db"]), tree(workspace["harmonised"])
    for moment in ("checked", "staged", "built", "journal"):
        code, err = _stop_at(workspace, path, moment, sig, tmp_path)
        assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 130), err
        assert "Traceback" not in err, err
        assert sha(workspace["db"]) == before_db, moment
        assert tree(workspace["harmonised"]) == before_tree, moment
    proc = _cli(workspace, path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    con = duckdb.connect(str(workspace["db"]), read_only=True)
    assert con.execute("SELECT value FROM observations WHERE source_id='my-src'").fetchall() == [(732000.0,)]
    con.close()
    assert [p.name for p in workspace["ingested"].iterdir()] == ["user.csv"]
    assert not list(tmp_path.glob(".ingest-staging-*")) and not list(tmp_path.glob("mc2cm.duckdb.*"))


def test_ingest_killed_after_commit_point_is_completed(workspace, tmp_path):
    """Past the database swap the ingest has happened: SIGINT completes it at once, SIGKILL at the next ingest."""
    from analytics.ingest import recover

    first = write(tmp_path, HEADER + "\n" + line() + "\n", "first.csv")
    code, err = _stop_at(workspace, first, "committed", signal.SIGINT, tmp_path)
    assert code == 130 and "Traceback" not in err
    assert (workspace["ingested"] / "first.csv").is_file()
    second = write(tmp_path, HEADER + "\n" + line(year="2024") + "\n", "second.csv")
    code, _ = _stop_at(workspace, second, "committed", signal.SIGKILL, tmp_path)
    assert code == -signal.SIGKILL
    assert not (workspace["ingested"] / "second.csv").exists()  # killed between the two renames
    assert recover(workspace["harmonised"], workspace["db"])[0] == "rolled_forward:second.csv"
    assert sorted(p.name for p in workspace["ingested"].iterdir()) == ["first.csv", "second.csv"]
    con = duckdb.connect(str(workspace["db"]), read_only=True)
    assert con.execute("SELECT count(*) FROM observations WHERE source_id LIKE 'my-src%'").fetchone()[0] == 2
    con.close()


def test_ingest_sigkilled_while_writing_database_changes_nothing(workspace, tmp_path):
    """A sleep point patched into write_database (works without the test hook, also on older code)."""
    path = write(tmp_path, HEADER + "\n" + line() + "\n")
    before_db, before_tree = sha(workspace["db"]), tree(workspace["harmonised"])
    ready = tmp_path / "ready"
    script = textwrap.dedent(f"""
        import time, analytics.db as db
        from analytics.ingest import ingest_file
        real = db.write_database
        def slow(*a, **k):
            open({str(ready)!r}, 'w').close(); time.sleep(60); return real(*a, **k)
        db.write_database = slow
        ingest_file({str(path)!r}, target_db={str(workspace['db'])!r}, harmonised=__import__('pathlib').Path({str(workspace['harmonised'])!r}))
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
    deadline = time.time() + 120
    while not ready.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert ready.exists()
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert sha(workspace["db"]) == before_db
    assert tree(workspace["harmonised"]) == before_tree
    assert ingest(workspace, path)["ingested_rows"] == 1  # the retry is not refused as "already ingested"


def test_ingested_folder_is_git_ignored():
    ignored = subprocess.run(["git", "check-ignore", "-q", "data/harmonised/ingested/x.csv"], cwd=ROOT)
    assert ignored.returncode == 0
    assert "git-ignored" in (ROOT / "docs" / "ingest-format.md").read_text(encoding="utf-8")


# --- Finding 4: stored names unique and reversible -------------------------------------------------------------------

def test_stored_names_are_distinct_and_reversible():
    from analytics.ingest import original_name, stored_name

    assert stored_name(Path("été.csv")) != stored_name(Path("ôtô.csv"))
    assert stored_name(Path("a b.csv")) != stored_name(Path("a_b.csv"))
    assert original_name(stored_name(Path("été.csv"))) == "été.csv"
    assert not stored_name(Path(".hidden.csv")).startswith(".")
    with pytest.raises(IngestError, match="must end in .csv"):
        stored_name(Path("figures.txt"))


@settings(max_examples=300)
@given(st.lists(st.text(min_size=1, max_size=30).filter(lambda s: "/" not in s and "\x00" not in s), min_size=2, max_size=5, unique=True))
def test_stored_name_is_injective(stems):
    import unicodedata

    from analytics.ingest import original_name, stored_name

    names = {unicodedata.normalize("NFC", s) + ".csv" for s in stems}
    stored = {}
    for name in names:
        try:
            result = stored_name(Path("x") / name)
        except IngestError:
            continue  # too long or not a file name
        assert re.fullmatch(r"[A-Za-z0-9_.~%-]+\.csv", result) and not result.startswith(".")
        assert original_name(result) == name
        assert stored.setdefault(result, name) == name


def test_two_accented_names_both_ingest_and_replace_touches_only_its_file(workspace, tmp_path):
    ete = write(tmp_path, HEADER + "\n" + line(source_id="src-ete") + "\n", "été.csv")
    oto = write(tmp_path, HEADER + "\n" + line(year="2024", source_id="src-oto", source_title="Other table") + "\n", "ôtô.csv")
    ingest(workspace, ete)
    ingest(workspace, oto)
    oto.write_text(HEADER + "\n" + line(year="2024", value="700000", source_id="src-oto", source_title="Other table") + "\n",
                   encoding="utf-8")
    ingest(workspace, oto, replace=True)
    con = duckdb.connect(str(workspace["db"]), read_only=True)
    rows = con.execute("SELECT source_id, value FROM observations WHERE source_id LIKE 'src-%' ORDER BY 1").fetchall()
    con.close()
    assert rows == [("src-ete", 732000.0), ("src-oto", 700000.0)]


# --- Finding 6: a row with one field more or fewer than the header ---------------------------------------------------

@pytest.mark.parametrize("text,pattern", [
    (HEADER + "\n" + line() + ",extra\n", r"row 2: 15 fields where the header has 14 \(more"),
    (HEADER + "\n" + line(year="2024") + "\n" + line() + ",x,y\n", r"row 3: 16 fields where the header has 14"),
    (HEADER + "\n" + line().rsplit(",", 1)[0] + "\n", r"row 2: 13 fields where the header has 14 \(fewer"),
])
def test_wrong_field_count_is_a_message_not_a_traceback(workspace, tmp_path, text, pattern):
    refused(workspace, write(tmp_path, text), pattern)


# --- Finding 7: missing inputs named ---------------------------------------------------------------------------------

def test_every_missing_input_is_named_or_optional(workspace, tmp_path):
    """Delete each harmonised file in turn: every build refuses naming it (or it is declared optional)."""
    from analytics.db import build, expected_inputs
    from analytics.validate import ValidationError

    optional = {e["file"] for e in expected_inputs()["expected"] if e.get("optional")}
    files = sorted(p.name for p in workspace["harmonised"].iterdir() if p.is_file())
    assert len(files) >= 29
    outcomes = {}
    for name in files:
        copy = tmp_path / f"copy-{name}"
        shutil.copytree(workspace["harmonised"], copy)
        (copy / name).unlink()
        try:
            build(tmp_path / "scratch.duckdb", copy, tmp_path / "none")
            outcomes[name] = "built"
        except ValidationError as error:
            outcomes[name] = "named" if name in str(error) else f"refused without naming it: {error}"
        except Exception as error:  # noqa: BLE001
            outcomes[name] = f"traceback: {type(error).__name__}: {error}"
        shutil.rmtree(copy)
    wrong = {n: o for n, o in outcomes.items() if not (o == "named" or (o == "built" and n in optional))}
    assert not wrong, wrong


def test_inputs_catalog_covers_every_harmonised_file():
    """Each committed harmonised file is expected or matches an accepted pattern (so a new one is read)."""
    from fnmatch import fnmatch

    from analytics.db import expected_inputs
    from analytics.paths import HARMONISED_DIR

    spec = expected_inputs()
    expected = {e["file"] for e in spec["expected"]}
    patterns = [a["pattern"] for a in spec["accepted"]]
    for path in HARMONISED_DIR.iterdir():
        if path.is_file():
            assert path.name in expected or any(fnmatch(path.name, p) for p in patterns), path.name
    for name in ("areas_casablanca.geojson", "area_counts_sfax.csv", "observations_phase2.csv", "sources_grenoble.csv"):
        assert any(fnmatch(name, p) for p in patterns), name


def test_new_file_matching_a_pattern_is_read_and_optional_file_may_be_missing(workspace, tmp_path):
    from analytics.db import check_inputs, load_tables

    sources = workspace["harmonised"] / "sources_curated.csv"
    rows = list(csv.reader(io.StringIO(sources.read_text(encoding="utf-8"))))
    rows[1][rows[0].index("source_id")] = "phase2-new-source"
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows[:2])
    (workspace["harmonised"] / "sources_phase2.csv").write_text(out.getvalue(), encoding="utf-8")
    assert "phase2-new-source" in set(load_tables(workspace["harmonised"], tmp_path / "none")["sources"].source_id)
    (workspace["harmonised"] / "network_activities.csv").unlink()
    check_inputs(workspace["harmonised"], {"expected": [{"file": "network_activities.csv", "optional": True}]})


# --- Finding 9: keys and references after Unicode normalisation ------------------------------------------------------

def test_text_key_folds_what_looks_the_same():
    assert text_key("Vienna\u00a0(city = federal state)") == text_key("Vienna (city  = federal state) ") == "Vienna (city = federal state)"
    assert text_key("Montre\u0301al") == text_key("Montréal")
    assert text_key("a\u202fb\u3000c\u200bd\tE") == "a b cd E"
    assert text_key("Vienna") != text_key("vienna")
    assert url_key("HTTPS://WWW.Wien.gv.at/statistik/") == url_key("https://www.wien.gv.at/statistik")


def _existing(con):
    row = con.execute("""SELECT o.*, s.title, s.publisher, s.url, s.source_type FROM observations o JOIN sources s USING (source_id)
                         WHERE o.city_id='vienna' AND o.breakdown='' ORDER BY o.indicator_id, o.year LIMIT 1""").df().iloc[0]
    return dict(city_id=row.city_id, indicator_id=row.indicator_id, year=str(row.year), unit=row.unit, geo_unit=row.geo_unit,
                geo_level=row.geo_level, source_id=row.source_id, source_title=row.title, publisher=row.publisher,
                source_url=row.url, source_type=row.source_type, value="1")


def test_no_break_space_does_not_make_a_second_figure(workspace, tmp_path, con):
    existing = _existing(con)
    assert " " in existing["geo_unit"]
    text = line(**{**existing, "geo_unit": existing["geo_unit"].replace(" ", "\u00a0", 1)})
    refused(workspace, write(tmp_path, HEADER + "\n" + text + "\n"), r"row 2, column .*: this figure \(same key\) is already in the database")


def test_copy_of_a_source_under_a_new_id_is_refused(workspace, tmp_path, con):
    existing = _existing(con)
    scheme, rest = existing["source_url"].split("://", 1)
    host, _, tail = rest.partition("/")
    copied = f"{scheme}://{host.upper()}/{tail}".rstrip("/") if tail else f"{scheme}://{host.upper()}/"
    text = line(**{**existing, "source_id": "my-copy", "year": "2024", "source_url": copied,
                   "source_title": existing["source_title"].replace(" ", "\u00a0", 1)})
    refused(workspace, write(tmp_path, HEADER + "\n" + text + "\n"),
            rf"column source_id: this source \(title and URL\) is already in the database as source_id '{re.escape(existing['source_id'])}'")


def test_build_finds_duplicates_that_differ_only_in_spaces(workspace):
    from analytics.db import build
    from analytics.validate import ValidationError

    path = workspace["harmonised"] / "observations_curated.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    twin = list(rows[1])
    twin[rows[0].index("geo_unit")] = twin[rows[0].index("geo_unit")].replace(" ", "\u00a0")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows + [twin])
    path.write_text(out.getvalue(), encoding="utf-8")
    with pytest.raises(ValidationError, match=r"observations: row \d+, column .*: duplicate key"):
        build(workspace["db"], workspace["harmonised"], workspace["ingested"])


# --- Finding 10: messages --------------------------------------------------------------------------------------------

def test_row_numbers_are_editor_line_numbers_after_blank_lines(workspace, tmp_path):
    text = HEADER + "\n\n" + line(year="2024") + "\n\n\n" + line(value="many") + "\n"
    message = refused(workspace, write(tmp_path, text), r"row 6, column value: 'many' is not a number")
    assert "row 5" not in message and "row 3," not in message


def test_all_digit_geo_unit_and_source_id_are_accepted(workspace, tmp_path):
    path = write(tmp_path, HEADER + "\n" + line(geo_unit="1010", source_id="2024") + "\n")
    assert ingest(workspace, path)["ingested_rows"] == 1
    con = duckdb.connect(str(workspace["db"]), read_only=True)
    assert con.execute("SELECT geo_unit, source_id FROM observations WHERE source_id='2024'").fetchall() == [("1010", "2024")]
    con.close()


def test_control_characters_are_escaped_in_messages(workspace, tmp_path):
    text = HEADER + ",\x1b[31mred\x1b[0m\u202e\n" + line() + ",x\n"
    message = refused(workspace, write(tmp_path, text), r"unknown column")
    assert "\x1b" not in message and "\u202e" not in message
    assert "\\x1b[31mred" in message


def test_size_checked_before_reading(workspace, tmp_path):
    path = tmp_path / "huge.csv"
    with open(path, "wb") as handle:
        handle.write((HEADER + "\n").encode())
        handle.truncate(537 * 1024 * 1024)  # sparse: no disk used, 537 MB to whoever reads it
    tracemalloc.start()
    try:
        with pytest.raises(IngestError, match="over the .* byte limit"):
            ingest(workspace, path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024, f"{peak / 2**20:.0f} MiB allocated for a refused file"


def test_cli_never_prints_a_traceback(workspace, tmp_path):
    cases = {"extra_field.csv": HEADER + "\n" + line() + ",extra\n", "bounds.csv": HEADER + "\n" + line(value="1e308") + "\n",
             "escape.csv": HEADER.replace("note", "no\x1b]8;;http://evil\x07te") + "\n" + line() + "\n",
             "digits.csv": HEADER + "\n" + line(geo_unit="1010", source_id="2024", year="2023") + "\n"}
    before = sha(workspace["db"])
    for name, text in cases.items():
        proc = _cli(workspace, write(tmp_path, text, name))
        out, err = proc.communicate(timeout=120)
        assert "Traceback" not in err and "\x1b" not in err, err
        if name == "digits.csv":
            assert proc.returncode == 0, err
        else:
            assert proc.returncode == 1 and name in err, err
            assert sha(workspace["db"]) == before


# --- Issue 26, finding 3: one lock for build, ingest and publish; a build after an interrupted ingest -----------------

def _live_figures(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM observations WHERE source_id = 'my-src'").fetchone()[0]
    finally:
        con.close()


def test_build_after_ingest_killed_at_commit_point_keeps_the_live_figure(workspace, tmp_path):
    """Killed between the database swap and the move of its file: the figure is live. A plain
    build then completes that ingest (the file moves into ingested/) instead of dropping it."""
    from analytics.db import build

    path = write(tmp_path, HEADER + "\n" + line() + "\n")
    code, _ = _stop_at(workspace, path, "committed", signal.SIGKILL, tmp_path)
    assert code == -signal.SIGKILL
    assert _live_figures(workspace["db"]) == 1 and not (workspace["ingested"] / "user.csv").exists()
    result = build(workspace["db"], workspace["harmonised"], workspace["ingested"])
    assert _live_figures(workspace["db"]) == 1, "the build removed a figure that was already live"
    assert (workspace["ingested"] / "user.csv").is_file()
    assert result["completed_interrupted_ingests"] == ["user.csv"]
    assert not list(workspace["harmonised"].parent.glob(".ingest-staging-*"))


def test_retry_of_an_ingest_killed_at_commit_point_says_it_completed(workspace, tmp_path):
    """The retry completes the earlier run and says so (exit 0), not "refused ... use --replace"."""
    path = write(tmp_path, HEADER + "\n" + line() + "\n")
    code, _ = _stop_at(workspace, path, "committed", signal.SIGKILL, tmp_path)
    assert code == -signal.SIGKILL
    proc = _cli(workspace, path)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    assert "interrupted after its commit point; it is now complete" in out, out
    assert "refused" not in err and "--replace" not in err, err
    assert _live_figures(workspace["db"]) == 1 and (workspace["ingested"] / "user.csv").is_file()
    again = _cli(workspace, path)  # a third run: the file is in, with this content
    out, err = again.communicate(timeout=180)
    assert again.returncode == 1 and "already ingested with this same content: nothing to do" in err, err


def test_build_waits_for_the_lock_held_by_an_ingest(workspace):
    """Build, ingest and publish share one lock (analytics.ingest.data_lock): a build started
    while it is held writes nothing until it is released."""
    import threading

    from analytics.db import build
    from analytics.ingest import data_lock, lock_path

    assert lock_path(workspace["harmonised"]) == workspace["harmonised"].parent / ".ingest.lock"
    before = sha(workspace["db"])
    done = []
    with data_lock(workspace["harmonised"]):
        worker = threading.Thread(target=lambda: done.append(build(workspace["db"], workspace["harmonised"], workspace["ingested"])))
        worker.start()
        worker.join(3)
        assert worker.is_alive() and not done, "the build did not wait for the lock"
        assert sha(workspace["db"]) == before and not list(workspace["db"].parent.glob("mc2cm.duckdb.tmp*"))
    worker.join(300)
    assert done and done[0]["path"] == str(workspace["db"])


# --- Issue 26, finding 5: plausibility bounds per unit and per indicator from the catalogue, not in code -------------

def test_bounds_per_unit_and_indicator_are_read_from_the_catalogue(monkeypatch):
    import yaml

    import analytics.catalog as catalog

    units = yaml.safe_load((ROOT / "data" / "catalog" / "units.yaml").read_text(encoding="utf-8"))["units"]
    assert bounds.units() == tuple(u["unit"] for u in units)
    assert bounds.value_range("percent") == (0.0, 100.0, "bounds of unit percent, data/catalog/units.yaml")
    assert all(bounds.is_signed(i) for i in ("net_migration", "net_internal_migration", "net_international_migration"))
    assert not bounds.is_signed("foreign_citizens")
    code = "\n".join(line for line in (ROOT / "analytics" / "bounds.py").read_text(encoding="utf-8").splitlines()
                     if not line.lstrip().startswith(("#", "-", "``")))
    assert '"percent"' not in code and '"net_' not in code and '"persons"' not in code, "a bound written in code"

    real = catalog.load_yaml

    def edited(name, *args, **kw):  # the catalogue as an editor would change it (a copy: load_yaml may share its result)
        data = __import__("copy").deepcopy(real(name, *args, **kw))
        if name == "indicators":
            for entry in data["indicators"]:
                if entry["indicator_id"] == "foreign_citizens_share":
                    entry["max"] = 60
        return data

    monkeypatch.setattr(catalog, "load_yaml", edited)
    bounds.indicator_bounds.cache_clear()
    try:
        assert bounds.value_problem(70.0, "percent", indicator_id="foreign_citizens_share") == \
            "share 70 outside 0..60 (bounds of indicator foreign_citizens_share, data/catalog/indicators.yaml)"
        assert bounds.value_problem(70.0, "percent", indicator_id="foreign_born_share") is None
        frame = __import__("pandas").DataFrame({"value": [70.0, 50.0], "unit": "percent", "city_id": "vienna",
                                                "indicator_id": ["foreign_citizens_share", "foreign_citizens_share"]})
        assert [(i, c) for i, c, _ in bounds.frame_problems(frame, bounds.Limits())] == [(0, "value")]
    finally:
        monkeypatch.setattr(catalog, "load_yaml", real)
        bounds.indicator_bounds.cache_clear()
