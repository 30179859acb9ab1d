"""The one place that opens the data: a DuckDB file, a directory of Parquet files, or a remote store.

Every analytics function takes a DuckDB connection (or cursor) and only runs SQL on it, so the
same functions run unchanged on any store that exposes the tables of the database contract
(docs/scaling.md):

- a DuckDB file (``MC2CM_DB=/path/mc2cm.duckdb``, the default ``data/mc2cm.duckdb``), opened
  read-only;
- a directory written by ``python -m analytics publish --parquet DIR`` (``MC2CM_DB=/path/DIR``):
  one Parquet file per table, the large per-city tables (``observations``, ``area_counts``,
  ``areas``) Hive-partitioned by ``city_id`` (``observations/city_id=lyon/data_0.parquet``) so
  that a query for one city reads one city's files. ``open_store`` returns an in-memory DuckDB
  connection with one VIEW per table over these files, in the columns and types of the file;
- the same directory served over HTTP(S) (``http://host/prefix``: nginx in ``deploy/``, any
  web server with range requests): DuckDB's own Parquet reader on files fetched through
  fsspec's HTTP filesystem (range requests; DuckDB's httpfs extension has no build for DuckDB
  2.0), tested against nginx in tests/unit/test_store.py;
- the same directory on object storage with credentials (``s3://bucket/prefix``) read through
  DuckDB's httpfs extension, or a MotherDuck database (``md:mc2cm``): implemented by the same
  code path but untested here (no network); see docs/scaling.md.

The directory carries ``manifest.json``: for each table its columns and DuckDB types, the
partition column, the files (relative paths, so the directory can be copied or uploaded as is)
and the row count; plus the data version of the build it was published from.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import duckdb

MANIFEST = "manifest.json"
FORMAT = "mc2cm-parquet/1"
# Tables read one city at a time by the pages: Hive-partitioned by city, each partition stored
# in the order the pages filter by (DuckDB's min/max statistics then skip most row groups).
PARTITIONED = {
    "observations": "indicator_id, year, geo_unit, breakdown, breakdown_value, source_id",
    "area_counts": "year, area_id, group_id, source_id",
    "areas": "area_level, area_id",
}
PARTITION_COLUMN = "city_id"
REMOTE_PREFIXES = ("s3://", "s3a://", "gs://", "gcs://", "r2://", "az://", "abfss://", "http://", "https://", "hf://")


class StoreError(RuntimeError):
    """A store that cannot be opened (missing, not built, or not a published directory)."""


def store_location(path: str | os.PathLike | None = None) -> str:
    """Where the data is: ``path``, else env ``MC2CM_DB``, else ``data/mc2cm.duckdb``."""
    if path:
        return str(path)
    from analytics.paths import database_path

    return str(database_path())


def store_kind(location: str) -> str:
    """``motherduck``, ``remote_parquet``, ``parquet_dir`` or ``duckdb_file`` for a location."""
    if location.startswith("md:") or location.startswith("motherduck:"):
        return "motherduck"
    if location.startswith(REMOTE_PREFIXES):
        return "remote_parquet"
    if Path(location).is_dir():
        return "parquet_dir"
    return "duckdb_file"


def open_store(path: str | os.PathLike | None = None, read_only: bool = True,
               isolated: bool = False) -> duckdb.DuckDBPyConnection:
    """Open the store at ``path`` (default: env ``MC2CM_DB``) and return a DuckDB connection.

    Parameters
    ----------
    path : a DuckDB file, a directory written by :func:`publish_parquet`, the URL of such a
        directory on object storage (``s3://...``, ``https://...``), or ``md:<database>``.
    read_only : open a DuckDB file read-only (the default; the app never writes). Parquet and
        remote stores are always read-only: asking for ``read_only=False`` raises ValueError.
    isolated : for a DuckDB file opened read-only, a database instance of its own that no other
        ``open_store`` call shares (see :func:`_open_file_isolated`): what a long-running server
        needs to see a file swapped in by a build while older connections are still in use.

    Returns
    -------
    A DuckDB connection. Use ``con.cursor()`` per query or thread: cursors share the views.

    Raises
    ------
    FileNotFoundError where the file or directory does not exist (the message says how to
    build it); StoreError where a directory holds no manifest or an unknown format.
    """
    location = store_location(path)
    kind = store_kind(location)
    if kind == "duckdb_file":
        if not Path(location).exists():
            raise FileNotFoundError(f"database not found at {location}: run `python -m analytics build` (or `make run`), "
                                    "or set MC2CM_DB to a DuckDB file or a directory written by `python -m analytics publish`.")
        if isolated and read_only:
            return _open_file_isolated(location)
        return duckdb.connect(location, read_only=read_only)
    if not read_only:
        raise ValueError(f"the {kind.replace('_', ' ')} store at {location} is read-only: build a DuckDB file to write")
    if kind == "motherduck":  # token from env MOTHERDUCK_TOKEN (a read-scaling token for app replicas)
        return duckdb.connect(location)
    con = duckdb.connect(":memory:")  # remote credentials: persistent DuckDB secrets (docs/scaling.md)
    if kind == "remote_parquet" and location.startswith(HTTP_PREFIXES):
        manifest = _open_http(con, location)
    elif kind == "remote_parquet":
        con.execute("INSTALL httpfs; LOAD httpfs")
        manifest = json.loads(con.execute("SELECT content FROM read_text(?)", [_join(location, MANIFEST)]).fetchone()[0])
    else:
        manifest = _read_manifest(Path(location))
    create_views(con, location, manifest)
    return con


HTTP_PREFIXES = ("http://", "https://")
FILE_ALIAS = "mc2cm_file"


def _open_file_isolated(location: str) -> duckdb.DuckDBPyConnection:
    """The DuckDB file at ``location`` in an in-memory database instance of its own, attached
    read-only, with one VIEW per table (as for a Parquet directory: cursors share the views).

    ``duckdb.connect(path)`` returns the process's *cached* database instance for ``path`` while
    any connection or cursor to it is still open, and that instance keeps reading the file it
    opened first: after ``analytics build`` renames a new file over ``path``, a process whose
    old connection is still in use by another session would go on reading the old version under
    the new file's identity (measured: tests/unit/test_data_swap.py). ATTACH inside a fresh
    in-memory instance bypasses that cache, so the file now at ``location`` is what is read, and
    connections still reading the previous file keep working until they are dropped."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH {_literal(location)} AS {FILE_ALIAS} (READ_ONLY)")
        names = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = 'main' ORDER BY 1",
            [FILE_ALIAS]).fetchall()]
        for name in names:
            con.execute(f"CREATE VIEW {_quote(name)} AS SELECT * FROM {FILE_ALIAS}.main.{_quote(name)}")
    except BaseException:
        con.close()
        raise
    return con


# DuckDB's file layout (storage version 64+): three 4 KiB headers, then the blocks.
HEADER_BYTES = 3 * 4096


def check_file(con, path: str, database: str | None = None) -> None:
    """Raise ``StoreError`` when the DuckDB file at ``path`` is shorter than its header says
    (``pragma_database_size``: total blocks x block size): a truncated file opens and answers
    small queries, and fails on the first block beyond its end. Other stores: nothing to check.
    ``database``: the name the file is attached under (``FILE_ALIAS`` for an isolated store),
    default the connection's current database."""
    if not os.path.isfile(path):
        return
    row = con.execute("SELECT block_size, total_blocks FROM pragma_database_size() "
                      "WHERE database_name = coalesce(?, current_database())", [database]).fetchone()
    if row is None:
        return
    expected = HEADER_BYTES + int(row[0]) * int(row[1])
    actual = os.path.getsize(path)
    if actual < expected:
        raise StoreError(f"{path}: {actual} bytes, shorter than the {expected} bytes its header describes "
                         "(truncated or being overwritten)")


def _http_filesystem():
    """fsspec's HTTP filesystem (aiohttp; range requests) with the file modification time DuckDB
    asks for (``modified``, from the ``Last-Modified`` header), which fsspec does not provide:
    DuckDB 2.0 refuses an fsspec filesystem without it (``modified() is not implemented``)."""
    from email.utils import parsedate_to_datetime

    from fsspec.implementations.http import HTTPFileSystem

    class HTTPWithModified(HTTPFileSystem):
        def modified(self, path):
            stamp = self.info(path).get("Last-Modified")
            if not stamp:
                raise NotImplementedError(f"{path}: the server sends no Last-Modified header")
            return parsedate_to_datetime(stamp)

    return HTTPWithModified()


def _open_http(con, location: str) -> dict:
    """Route ``http(s)://`` reads of ``con`` through fsspec and return the directory's manifest.

    DuckDB's httpfs extension is used where it is installed (``LOAD httpfs`` succeeds, as with
    DuckDB 1.x); DuckDB 2.0 has no httpfs build, so its Parquet reader reads the remote files
    through a registered fsspec filesystem instead: one HEAD per file, then range requests for
    the footer and the row groups a query needs (measured: docs/scaling.md)."""
    try:
        con.execute("LOAD httpfs")
        text = con.execute("SELECT content FROM read_text(?)", [_join(location, MANIFEST)]).fetchone()[0]
    except duckdb.Error:
        fs = _http_filesystem()
        con.register_filesystem(fs)
        try:
            text = fs.cat_file(_join(location, MANIFEST)).decode("utf-8")
        except FileNotFoundError:
            raise StoreError(f"{location}: no {MANIFEST} there; publish with `python -m analytics publish --parquet DIR` "
                             "and serve DIR at this URL") from None
    manifest = json.loads(text)
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{location}/{MANIFEST}: format {manifest.get('format')!r}, expected {FORMAT!r}")
    return manifest


def _join(root: str, relative: str) -> str:
    if store_kind(root) in ("remote_parquet",):
        return root.rstrip("/") + "/" + relative
    return str(Path(root) / relative)


def _read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.exists():
        raise StoreError(f"{directory} is a directory without {MANIFEST}: MC2CM_DB must name a DuckDB file or a directory "
                         "written by `python -m analytics publish --parquet DIR`.")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{path}: format {manifest.get('format')!r}, expected {FORMAT!r}; re-run `python -m analytics publish`.")
    return manifest


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_views(con, root: str, manifest: dict) -> None:
    """One VIEW per table of ``manifest`` over its Parquet files under ``root``, with the
    columns in the order and with the types of the DuckDB table it was published from."""
    for name, table in manifest["tables"].items():
        files = "[" + ", ".join(_literal(_join(root, f)) for f in table["files"]) + "]"
        options = ""
        if table.get("partition_by"):
            options = (f", hive_partitioning = true, hive_types = {{{_literal(table['partition_by'])}: 'VARCHAR'}}, "
                       "hive_types_autocast = false")
        columns = ", ".join(f"CAST({_quote(c)} AS {t}) AS {_quote(c)}" if c in table.get("cast", ()) else _quote(c)
                            for c, t in table["columns"])
        con.execute(f"CREATE VIEW {_quote(name)} AS SELECT {columns} FROM read_parquet({files}{options})")


def publish_parquet(db_path: str | os.PathLike | None, out_dir: str | os.PathLike) -> dict:
    """Write every table of the DuckDB file ``db_path`` (default: the configured database) to
    Parquet files under ``out_dir``, with ``manifest.json``; returns the manifest.

    Derived tables (coverage_cells, build_info, network_indices, small_multiples, ...) are
    published like the others: the directory holds everything the pages read. Geometries stay
    WKB BLOBs. The directory is written beside ``out_dir`` and swapped in at the end, so a
    reader never sees half a publication (the previous one is removed after the swap).
    """
    source = store_location(db_path)
    if store_kind(source) != "duckdb_file" or not Path(source).exists():
        raise FileNotFoundError(f"publish needs a built DuckDB file, got {source}: run `python -m analytics build` first")
    out = Path(out_dir).resolve()
    tmp = out.with_name(f"{out.name}.tmp{os.getpid()}")
    old = out.with_name(f"{out.name}.old{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    con = duckdb.connect(source, read_only=True)
    try:
        con.execute("SET threads = 1")  # one file per partition, written in the order asked for
        names = [r[0] for r in con.execute("""SELECT table_name FROM information_schema.tables
                                              WHERE table_schema = 'main' AND table_type = 'BASE TABLE' ORDER BY 1""").fetchall()]
        version = con.execute("SELECT data_version FROM build_info").fetchone()[0] if "build_info" in names else None
        tables = {}
        for name in names:
            columns = [(r[0], r[1]) for r in con.execute(f"DESCRIBE {_quote(name)}").fetchall()]
            rows = con.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
            partition = PARTITION_COLUMN if name in PARTITIONED and rows and PARTITION_COLUMN in dict(columns) else None
            if partition:
                con.execute(f"COPY (SELECT * FROM {_quote(name)} ORDER BY {partition}, {PARTITIONED[name]}) "
                            f"TO {_literal(str(tmp / name))} (FORMAT parquet, PARTITION_BY ({partition}), COMPRESSION zstd)")
                files = sorted(p.relative_to(tmp).as_posix() for p in (tmp / name).rglob("*.parquet"))
            else:
                con.execute(f"COPY (SELECT * FROM {_quote(name)}) TO {_literal(str(tmp / (name + '.parquet')))} "
                            "(FORMAT parquet, COMPRESSION zstd)")
                files = [name + ".parquet"]
            tables[name] = {"columns": columns, "partition_by": partition, "files": files, "rows": rows}
        manifest = {"format": FORMAT, "data_version": version, "source": Path(source).name, "tables": tables}
        _check_round_trip(tmp, manifest)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    except BaseException as error:
        con.close()
        shutil.rmtree(tmp, ignore_errors=True)
        from analytics.diskspace import DiskFull, is_disk_full

        if isinstance(error, Exception) and is_disk_full(error):  # one message; nothing half-written is left
            raise DiskFull(out.parent, 2 * Path(source).stat().st_size, "publish") from None
        raise
    con.close()
    if out.exists():
        os.replace(out, old)
    os.replace(tmp, out)
    shutil.rmtree(old, ignore_errors=True)
    return manifest


def _check_round_trip(directory: Path, manifest: dict) -> None:
    """Record in the manifest the columns whose Parquet type differs from the DuckDB type (cast
    back in the view), and check that every view returns the published row count."""
    probe = duckdb.connect(":memory:")
    for name, table in manifest["tables"].items():
        create_views(probe, str(directory), {"tables": {name: {**table, "cast": ()}}})
        read = dict((r[0], r[1]) for r in probe.execute(f"DESCRIBE {_quote(name)}").fetchall())
        table["cast"] = [c for c, t in table["columns"] if read.get(c) != t]
        rows = probe.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
        if rows != table["rows"]:
            raise StoreError(f"{directory}: table {name} reads back {rows} rows, {table['rows']} were written")
        probe.execute(f"DROP VIEW {_quote(name)}")
    probe.close()
