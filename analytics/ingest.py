"""Ingest a user's own indicator file into the harmonised data, then rebuild.

The file format is documented in ``docs/ingest-format.md``. The file is checked on its own
(size before reading, encoding, fields per row, columns, types, plausibility bounds of
``analytics.bounds``, known cities / indicators / enums, unique keys) and then together with
everything already harmonised (keys and sources, compared after ``normalise.text_key``).

All or nothing, under any interruption (an exception, Ctrl-C, ``kill -9``):

1. the checked rows are written to a staging folder beside ``data/harmonised``
   (``data/.ingest-staging-<pid>/``), together with links to the files already ingested;
2. the database is built from the harmonised data plus the staging folder into a new file
   beside the database (``<db>.ingest-<pid>``), through the same validation as ``build``;
3. a commit record is written to the staging folder, then the new database replaces the old
   one (``os.replace``, atomic: the commit point), then the file is moved into
   ``data/harmonised/ingested/`` under its stored name (``os.replace`` again).

Before the commit point nothing visible has changed; a failure or ``KeyboardInterrupt`` removes
the staging folder and the new database (``except BaseException``), and a process killed there
leaves only those, which the next ingest removes. A failure between the two renames is
completed (rolled forward) by the handler, or, after ``kill -9``, by the next ingest when the
database still carries the data version of the commit record.

One lock for everything that writes the data (``data_lock``: ``data/.ingest.lock``): ingest,
``build`` and ``publish`` run one at a time, and ``build`` first finishes or undoes an ingest that
was killed (``recover``), so a build after an ingest killed at its commit point keeps the figure
that is already live and the staged file is never lost. A retry of an ingest whose earlier run
was completed this way says so and succeeds.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import time
import unicodedata
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, unquote

import pandas as pd

from analytics import bounds, catalog
from analytics.normalise import text_key, url_key
from analytics.paths import HARMONISED_DIR, database_path
from analytics.text_safety import field_problem, printable
from analytics.rules import OBSERVATION_KEY, parse_bool_column

REQUIRED = ["city_id", "indicator_id", "year", "value", "unit", "geo_unit", "geo_level",
            "source_id", "source_title", "publisher", "source_url", "source_type"]
OPTIONAL = ["concept", "breakdown", "breakdown_value", "is_estimate", "note", "licence"]
COLUMNS = REQUIRED + OPTIONAL
# Columns of the dashboard's own CSV downloads that are derived from the catalog: accepted and ignored,
# so that a downloaded CSV re-ingests as it is.
DERIVED = ["city", "indicator_label", "flag"]
# Compared and stored in the form of normalise.text_key (NFC, whitespace folded).
KEY_TEXT = ["city_id", "indicator_id", "unit", "geo_unit", "geo_level", "source_id", "source_title", "publisher",
            "source_type", "concept", "breakdown", "breakdown_value", "licence"]
MAX_BYTES = 20 * 1024 * 1024
KEY = list(OBSERVATION_KEY)  # analytics.rules
SAFE_SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,79}$")
# The documented notation (docs/ingest-format.md): ASCII digits 0-9 only (``\d`` would also take
# Arabic-Indic, Devanagari or full-width digits and reinterpret them silently), a point as the
# decimal separator, an optional sign and exponent; nothing else.
NUMBER = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
YEAR = re.compile(r"^[0-9]{4}$")
NUMBER_FORM = "digits 0-9 with a point for decimals and no separators, units or signs other than a leading minus (12.5, 1000, 1e3)"
# Per-field limits: (kind of text for text_safety.field_problem, longest value in characters).
FIELD_RULES = {
    "city_id": ("identifier", 80), "indicator_id": ("identifier", 80), "year": ("identifier", 10),
    "value": ("identifier", 40), "unit": ("identifier", 40), "geo_unit": ("identifier", 200),
    "geo_level": ("identifier", 40), "source_id": ("identifier", 80), "source_title": ("text", 500),
    "publisher": ("name", 300), "source_url": ("url", 2000), "source_type": ("identifier", 40),
    "concept": ("identifier", 40), "breakdown": ("identifier", 80), "breakdown_value": ("identifier", 200),
    "is_estimate": ("identifier", 10), "note": ("text", 1000), "licence": ("name", 200),
}
MAX_NAME_BYTES = 200
# Test hook: stop at a named moment of ingest_file (see _pause); never set in normal use.
PAUSE_ENV = "MC2CM_INGEST_PAUSE_AT"
PAUSE_FILE_ENV = "MC2CM_INGEST_PAUSE_FILE"
PAUSE_SECONDS_ENV = "MC2CM_INGEST_PAUSE_SECONDS"
MOMENTS = ("checked", "staged", "built", "journal", "committed")


class IngestError(ValueError):
    """A rejected ingest file; ``problems`` holds (row, column, reason) triples.

    ``row`` is the line number in the file as an editor shows it (header = line 1, blank lines
    counted). The message shows control characters as escapes (``text_safety.printable``).
    """

    def __init__(self, path, problems):
        self.path = str(path)
        self.problems = problems
        lines = [f"  - {self.path}: " + (f"row {r}" if r else "file") + (f", column {c}" if c else "") + f": {why}"
                 for r, c, why in problems[:25]]
        more = f"\n  ... and {len(problems) - 25} more" if len(problems) > 25 else ""
        text = f"{self.path} rejected ({len(problems)} problem(s)):\n" + "\n".join(lines) + more
        super().__init__("\n".join(printable(line) for line in text.split("\n")))


def _records(path: Path, text: str) -> tuple[int, list[str], list[tuple[int, list[str]]], list[tuple]]:
    """Parse ``text`` strictly: (header line, header, [(line, fields)], problems).

    Blank lines are skipped but counted, so ``line`` is what an editor shows (a quoted field
    spanning several lines counts from its first line). A row with more or fewer fields than
    the header is a problem, never a shifted row.
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header, header_line, rows, problems = None, None, [], []
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise IngestError(path, [(start, None, f"not a valid CSV: {error}")])
        if not fields or all(f.strip() == "" for f in fields) and len(fields) == 1:
            continue  # a blank line
        if header is None:
            header, header_line = [f.strip() for f in fields], start
            continue
        if len(fields) != len(header):
            more = "more" if len(fields) > len(header) else "fewer"
            problems.append((start, None, f"{len(fields)} fields where the header has {len(header)} ({more} than the "
                                          "header: a comma inside a value that is not quoted?)"))
            continue
        rows.append((start, fields))
    return header_line, header, rows, problems


def read_ingest_file(path: Path, limits: bounds.Limits | None = None) -> pd.DataFrame:
    """Read and check one file on its own.

    The size is checked before anything is read. Rows are numbered as lines in the file
    (header = 1 when it is the first line). ``limits`` (``bounds.limits_from_files``) default
    to the project's harmonised data. Returns the typed rows (a ``line`` column keeps the row
    number); raises IngestError.
    """
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except OSError:
        size = None
    if size is None or not path.is_file():
        raise IngestError(path, [(None, None, "file not found")])
    if size == 0:
        raise IngestError(path, [(None, None, "the file is empty")])
    if size > MAX_BYTES:
        raise IngestError(path, [(None, None, f"the file is {size} bytes, over the {MAX_BYTES} byte limit")])
    with open(path, "rb") as handle:
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:  # grew while being read
        raise IngestError(path, [(None, None, f"the file is over the {MAX_BYTES} byte limit")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise IngestError(path, [(line, None, f"not UTF-8 (byte 0x{raw[error.start]:02x} at offset {error.start}); save the file as UTF-8")])
    if "\x00" in text:
        raise IngestError(path, [(None, None, "the file contains NUL bytes (binary or UTF-16?); save it as UTF-8 CSV")])
    header_line, header, rows, problems = _records(path, text)
    if header is None:
        raise IngestError(path, [(None, None, "the file has no header row")])
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c not in COLUMNS + DERIVED]
    duplicated = sorted({c for c in header if header.count(c) > 1})
    head = []
    if missing:
        head.append((header_line, ",".join(missing), "required column(s) missing"))
    if unknown:
        head.append((header_line, ",".join(repr(c) for c in unknown), f"unknown column(s); allowed: {', '.join(COLUMNS)}"))
    if duplicated:
        head.append((header_line, ",".join(duplicated), "column(s) appear twice"))
    if head:
        raise IngestError(path, head)
    if not rows and not problems:
        raise IngestError(path, [(None, None, "the file has a header but no data rows")])
    frame = pd.DataFrame([fields for _, fields in rows], columns=header, dtype=object)
    frame = frame.loc[:, ~frame.columns.duplicated()]
    for column in OPTIONAL:
        if column not in frame:
            frame[column] = ""
    frame = frame[COLUMNS].astype(object)
    frame = frame.apply(lambda s: s.map(str.strip))
    frame["line"] = [line for line, _ in rows]
    # Per-field limits on the values as written (before text_key folds what it folds).
    for row in frame.itertuples():
        for column, (kind, longest) in FIELD_RULES.items():
            reason = field_problem(getattr(row, column), kind, longest)
            if reason:
                problems.append((row.line, column, reason))
    for column in KEY_TEXT:
        frame[column] = frame[column].map(text_key)
    problems += _row_problems(frame, limits if limits is not None else bounds.limits_from_files(HARMONISED_DIR))
    if problems:
        raise IngestError(path, sorted(problems, key=lambda p: (p[0] or 0)))
    return _typed(frame)


def _number(text: str) -> float | None:
    """A decimal number written with digits 0-9 (``1e3`` allowed), or None ('inf', 'NaN', '1,5',
    '1_000', '0x10', '١٢' are not)."""
    return float(text) if NUMBER.match(text) else None


def notation_problem(text: str, what: str = "value") -> str:
    """Why ``text`` is not written in the documented notation: the value as written, what was
    recognised in it and the expected form (``NUMBER_FORM`` or a four-digit year)."""
    hints = []
    if any(ch.isdigit() and not "0" <= ch <= "9" for ch in text):
        hints.append("digits of another script")
    if "," in text:
        hints.append("a comma: decimal comma or thousands separator")
    if "%" in text:
        hints.append("a percent sign: the unit column says percent")
    if "_" in text or "'" in text or any(ch.isspace() for ch in text):
        hints.append("a digit separator or space")
    if re.match(r"^[+-]?0[xXoObB]", text):
        hints.append("a hexadecimal, octal or binary prefix")
    if text.strip().lower().lstrip("+-") in ("inf", "infinity", "nan"):
        hints.append("a word, not a finite number")
    found = f" (it has {'; '.join(hints)})" if hints else ""
    if what == "year":
        return f"{text!r} is not a four-digit year as written{found}; expected four digits 0-9 (2024)"
    return f"{text!r} is not a number as written{found}; expected {NUMBER_FORM}"


def _row_problems(frame: pd.DataFrame, limits: bounds.Limits) -> list[tuple]:
    indicators = catalog.indicators().set_index("indicator_id")
    problems = []
    parsed = []
    for row in frame.itertuples():
        n = row.line
        for column in REQUIRED:
            if getattr(row, column) == "":
                problems.append((n, column, "empty value"))
        if row.city_id and row.city_id not in catalog.city_ids():
            problems.append((n, "city_id", f"unknown city {row.city_id!r}; expected one of {', '.join(catalog.city_ids())}"))
        if row.indicator_id and row.indicator_id not in indicators.index:
            problems.append((n, "indicator_id", f"unknown indicator {row.indicator_id!r} (see data/catalog/indicators.yaml)"))
        year = None
        if row.year and not YEAR.match(row.year):
            problems.append((n, "year", notation_problem(row.year, "year")))
        elif row.year:
            year = int(row.year)
        value = _number(row.value) if row.value else None
        if row.value and value is None:
            problems.append((n, "value", notation_problem(row.value)))
        if row.unit and row.unit not in bounds.units():  # data/catalog/units.yaml
            problems.append((n, "unit", f"unknown unit {row.unit!r}; expected one of {', '.join(bounds.units())}"))
        if row.indicator_id in indicators.index and row.unit and row.unit != indicators.loc[row.indicator_id, "unit"] \
                and not (row.unit == "applications" and row.indicator_id.startswith("asylum")):
            problems.append((n, "unit", f"unit {row.unit!r} differs from the indicator's unit {indicators.loc[row.indicator_id, 'unit']!r}"))
        if row.concept and row.concept not in catalog.CONCEPTS:
            problems.append((n, "concept", f"unknown concept {row.concept!r}"))
        if row.geo_level and row.geo_level not in catalog.GEO_LEVELS:
            problems.append((n, "geo_level", f"unknown geo_level {row.geo_level!r}; expected one of {', '.join(catalog.GEO_LEVELS)}"))
        if row.source_type and row.source_type not in catalog.SOURCE_TYPES:
            problems.append((n, "source_type", f"unknown source_type {row.source_type!r}"))
        if row.source_id and not SAFE_SOURCE_ID.match(row.source_id):
            problems.append((n, "source_id", "use lower-case letters, digits, '-', '_' or '.' (at most 80)"))
        if row.is_estimate and row.is_estimate.lower() not in ("true", "false", "1", "0", "yes", "no"):
            problems.append((n, "is_estimate", f"{row.is_estimate!r} is not true/false"))
        parsed.append({"line": n, "year": year, "value": value, "unit": row.unit, "city_id": row.city_id,
                       "geo_level": row.geo_level, "indicator_id": row.indicator_id})
    # Plausibility bounds (one place: analytics.bounds), on the rows whose year / value are numbers.
    # A value that is not a number was reported above as written: it is not checked again as NaN.
    checked = pd.DataFrame(parsed, columns=["line", "year", "value", "unit", "city_id", "geo_level", "indicator_id"])
    for part in (checked[checked.value.notna()], checked[checked.value.isna() & checked.year.notna()].drop(columns="value")):
        for i, column, reason in bounds.frame_problems(part, limits):
            problems.append((int(checked.line[i]), column, reason))
    dup = frame.duplicated(KEY, keep="first")
    for line in frame.line[dup]:
        problems.append((int(line), ",".join(KEY), "duplicate key within the file"))
    sources = frame.assign(url=frame.source_url.map(url_key))
    meta = sources.drop_duplicates(["source_id", "source_title", "publisher", "url", "source_type"])
    for source_id in meta.source_id[meta.source_id.duplicated()]:
        problems.append((None, "source_id", f"source {source_id!r} is described differently on different rows"))
    return problems


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    indicators = catalog.indicators().set_index("indicator_id")
    frame = frame.copy()
    frame["year"] = frame["year"].astype(int)
    frame["value"] = frame["value"].map(float).astype(float)
    frame["concept"] = frame["concept"].where(frame["concept"] != "", frame["indicator_id"].map(indicators["concept"]))
    frame["is_estimate"] = parse_bool_column(frame["is_estimate"]).to_numpy()
    frame["licence"] = frame["licence"].replace("", "not stated")
    frame["flag"] = "ingested"
    return frame


def stored_name(path) -> str:
    """The name under which a file is kept in ``data/harmonised/ingested/``: unique and reversible.

    The file name (Unicode NFC) percent-encoded (RFC 3986 section 2.1) except letters, digits
    and ``_ . - ~``, a leading dot encoded too: no two names map to one stored name, and
    ``original_name`` gives the name back (``été.csv`` -> ``%C3%A9t%C3%A9.csv``).
    Raises IngestError for a name that does not end in ``.csv`` or is too long.
    """
    name = unicodedata.normalize("NFC", Path(path).name)
    if not name.endswith(".csv") or name == ".csv":
        raise IngestError(path, [(None, None, "the file name must end in .csv")])
    stored = quote(name, safe="")
    if stored.startswith("."):
        stored = "%2E" + stored[1:]
    if len(stored.encode()) > MAX_NAME_BYTES:
        raise IngestError(path, [(None, None, f"the file name is too long (at most {MAX_NAME_BYTES} bytes once encoded)")])
    return stored


def original_name(stored: str) -> str:
    """The inverse of ``stored_name``."""
    return unquote(stored)


def _conflicts(frame: pd.DataFrame, name: str, replace: bool, harmonised: Path, ingested: Path) -> list[tuple]:
    """Problems of the file together with everything already harmonised (keys, sources),
    compared after ``text_key`` / ``url_key``; with ``replace``, the file stored as ``name`` is
    left out (and only that one)."""
    from analytics.db import load_tables

    existing = load_tables(harmonised, ingested)
    obs = existing["observations"]
    sources = existing["sources"]
    if replace:
        obs = obs[obs.origin_file != name]
        sources = sources[sources.retrieved_via.astype(str) != f"ingested file {name}"]
    keys = set(map(tuple, obs[KEY].astype(str).map(text_key).values))
    problems = []
    for line, key in zip(frame.line, map(tuple, frame[KEY].astype(str).values)):
        if key in keys:
            problems.append((int(line), ",".join(KEY), "this figure (same key) is already in the database"))
    ids = sources.assign(id_key=sources.source_id.astype(str).map(text_key),
                         title_key=sources.title.astype(str).map(text_key), url=sources.url.astype(str).map(url_key),
                         publisher_key=sources.publisher.map(lambda p: text_key(p) if isinstance(p, str) else ""))
    by_id = ids.drop_duplicates("id_key").set_index("id_key")
    by_citation = ids.drop_duplicates(["title_key", "url"]).set_index(["title_key", "url"])
    for row in frame.drop_duplicates("source_id").itertuples():
        citation = (row.source_title, url_key(row.source_url))
        if row.source_id in by_id.index:
            known = by_id.loc[row.source_id]
            if (known["title_key"], known["url"]) != citation:
                problems.append((int(row.line), "source_id",
                                 f"source_id {row.source_id!r} already names another source ({known['title']!r}, {known['url']!r})"))
            elif known["publisher_key"] and known["publisher_key"] != row.publisher:
                # The same id, title and URL under another publisher would credit the figures to it.
                problems.append((int(row.line), "publisher",
                                 f"source_id {row.source_id!r} is published by {known['publisher']!r} in the database, "
                                 f"not {row.publisher!r}; cite it with its publisher or use a new source_id"))
        elif citation in by_citation.index:
            # A figure reuses a known source only by its source_id: a copy of its title and URL
            # under a new id is refused (it would pass as that source without being checked as one).
            problems.append((int(row.line), "source_id",
                             f"this source (title and URL) is already in the database as source_id "
                             f"{by_citation.loc[citation, 'source_id']!r}; cite it by that source_id"))
    return problems


def _pause(moment: str) -> None:
    """Test hook: with env ``MC2CM_INGEST_PAUSE_AT=<moment>``, touch the file named by
    ``MC2CM_INGEST_PAUSE_FILE`` and sleep (``MC2CM_INGEST_PAUSE_SECONDS``, default 60), so that
    a test can kill the process at that moment."""
    if os.environ.get(PAUSE_ENV) != moment:
        return
    marker = os.environ.get(PAUSE_FILE_ENV)
    if marker:
        Path(marker).write_text(moment)
    time.sleep(float(os.environ.get(PAUSE_SECONDS_ENV, "60")))


LOCK_NAME = ".ingest.lock"


def lock_path(harmonised: Path = HARMONISED_DIR) -> Path:
    """The one lock file of build, ingest and publish: ``<harmonised>/../.ingest.lock``."""
    return Path(harmonised).parent / LOCK_NAME


@contextmanager
def data_lock(harmonised: Path = HARMONISED_DIR):
    """Build, ingest and publish one at a time (``lock_path``; see ``_lock``)."""
    with _lock(lock_path(harmonised)):
        yield


@contextmanager
def _lock(path: Path):
    """One writer at a time (an advisory ``flock`` on ``path``; released when the process dies)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _staged_bytes(frame: pd.DataFrame) -> bytes:
    """The file as it is stored in ``ingested/`` (the checked rows, typed and folded)."""
    return frame.drop(columns="line").to_csv(index=False, lineterminator="\n").encode("utf-8")


def _db_version(path: Path) -> str | None:
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            return con.execute("SELECT data_version FROM build_info").fetchone()[0]
        finally:
            con.close()
    except Exception:  # noqa: BLE001 -- missing or unreadable database: no version
        return None


def recover(harmonised: Path = HARMONISED_DIR, target_db: Path | None = None) -> list[str]:
    """Finish or undo ingests that were killed; call with the ingest lock held.

    A staging folder whose commit record says the database was replaced (the new database file
    is gone and the database carries the recorded data version) is completed: its file is moved
    into ``ingested/``. Any other staging folder, and any new database never swapped in, is
    removed. Returns what was done (``rolled_forward:<name>`` / ``removed:<path>``).
    """
    harmonised = Path(harmonised)
    target_db = Path(target_db or database_path())
    done = []
    for staging in sorted(harmonised.parent.glob(".ingest-staging-*")):
        journal = staging / "COMMIT"
        if journal.is_file():
            record = json.loads(journal.read_text(encoding="utf-8"))
            staged, destination = Path(record["file"]), Path(record["destination"])
            if not Path(record["new_db"]).exists() and staged.exists() and _db_version(Path(record["db"])) == record["data_version"]:
                destination.parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, destination)
                done.append(f"rolled_forward:{destination.name}")
        shutil.rmtree(staging, ignore_errors=True)
        done.append(f"removed:{staging}")
    for stale in target_db.parent.glob(f"{target_db.name}.ingest-*"):
        stale.unlink(missing_ok=True)
        done.append(f"removed:{stale}")
    return done


def ingest_file(path, replace: bool = False, target_db: Path | None = None,
                harmonised: Path = HARMONISED_DIR, ingested: Path | None = None) -> dict:
    """Validate ``path`` and add it to the harmonised data, then rebuild; all or nothing.

    Raises IngestError on any problem (the database and ``harmonised`` unchanged). See the
    module docstring for the order of the steps. ``harmonised`` / ``ingested`` /
    ``target_db`` default to the project's folders and database; tests point them at copies.
    """
    from analytics.db import load_tables, write_database
    from analytics.validate import validate_tables

    path = Path(path)
    harmonised = Path(harmonised)
    ingested_dir = Path(ingested) if ingested is not None else harmonised / "ingested"
    target = Path(target_db or database_path())
    with data_lock(harmonised):
        done = recover(harmonised, target)
        name = stored_name(path)
        frame = read_ingest_file(path, bounds.limits_from_files(harmonised))
        destination = ingested_dir / name
        if destination.exists() and not replace:
            same = destination.read_bytes() == _staged_bytes(frame)
            if same and f"rolled_forward:{name}" in done:
                # This is the retry of an ingest killed after its commit point: it is complete now.
                return {"ingested": str(destination), "stored_name": name, "ingested_rows": len(frame), "path": str(target),
                        "completed": "an earlier run of this ingest was interrupted after its commit point; it is now "
                                     "complete (the database already held these figures), nothing else changed"}
            if same:
                raise IngestError(path, [(None, None, f"a file stored as {name} was already ingested with this same content: "
                                                      "nothing to do (use --replace to ingest it again)")])
            raise IngestError(path, [(None, None, f"a file stored as {name} was already ingested; use --replace to update it")])
        problems = _conflicts(frame, name, replace, harmonised, ingested_dir)
        if problems:
            raise IngestError(path, sorted(problems, key=lambda p: (p[0] or 0)))
        _pause("checked")
        staging = harmonised.parent / f".ingest-staging-{os.getpid()}"
        new_db = target.with_name(f"{target.name}.ingest-{os.getpid()}")
        staged_dir = staging / "ingested"
        staged = staged_dir / name
        committed = False
        try:
            staged_dir.mkdir(parents=True)
            for other in sorted(ingested_dir.glob("*.csv")):
                if other.name != name:
                    try:
                        os.link(other, staged_dir / other.name)
                    except OSError:
                        shutil.copy2(other, staged_dir / other.name)
            staged.write_bytes(_staged_bytes(frame))
            _pause("staged")
            tables = load_tables(harmonised, staged_dir)
            validate_tables(tables)
            write_database(tables, new_db)
            _pause("built")
            record = {"file": str(staged), "destination": str(destination), "new_db": str(new_db), "db": str(target),
                      "data_version": _db_version(new_db)}
            (staging / "COMMIT.tmp").write_text(json.dumps(record), encoding="utf-8")
            os.replace(staging / "COMMIT.tmp", staging / "COMMIT")
            _pause("journal")
            os.replace(new_db, target)  # the commit point
            committed = True
            _pause("committed")
            ingested_dir.mkdir(parents=True, exist_ok=True)
            os.replace(staged, destination)
        except BaseException as error:
            if committed and staged.exists():  # past the commit point: complete it
                ingested_dir.mkdir(parents=True, exist_ok=True)
                os.replace(staged, destination)
            if not committed:
                new_db.unlink(missing_ok=True)
                for stale in new_db.parent.glob(f"{new_db.name}.tmp*"):
                    stale.unlink(missing_ok=True)
            if isinstance(error, Exception) and not committed:  # KeyboardInterrupt / SystemExit pass through
                raise IngestError(path, [(None, None, f"rebuild refused: {error}")]) from error
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    counts = {table: len(t) for table, t in tables.items()}
    return {"ingested": str(destination), "stored_name": name, "ingested_rows": len(frame), "path": str(target), "rows": counts}
