"""Command line: ``python -m analytics <command>``.

Commands
--------
data              re-run every harmonise step from the shared data (MC2CM_RAW, default ../shared/data)
build             validate data/harmonised and build the database atomically (MC2CM_DB)
ingest FILE.csv   add a user's indicator file (docs/ingest-format.md) and rebuild; a rejected file changes nothing
export ...        filtered observations or district counts (--dataset area_counts) as csv | xlsx | parquet |
                  geojson | zip; csv, parquet and zip stream from DuckDB (see docs/downloads.md)
summary           row counts per table
(briefs: ``python -m mc2cm brief ...``, the top-level command line; analytics never imports the document layer)
publish --parquet DIR   every table as Parquet files (per-city tables partitioned by city) for MC2CM_DB=DIR (docs/scaling.md)
"""
from __future__ import annotations

import argparse
import importlib
import json
import sys
import time

from analytics.paths import HARMONISED_DIR, raw_data_dir


def cmd_data(args) -> int:
    from analytics.harmonise import STEPS
    from analytics.harmonise._common import HarmoniseError

    raw = raw_data_dir()
    if not raw.is_dir():
        print(f"error: shared data folder not found: {raw}. Set MC2CM_RAW to the folder that holds raw/ and curated/.",
              file=sys.stderr)
        return 2
    HARMONISED_DIR.mkdir(parents=True, exist_ok=True)
    for name in args.steps or STEPS:
        start = time.perf_counter()
        try:
            paths = importlib.import_module(f"analytics.harmonise.{name}").run(raw, HARMONISED_DIR)
        except HarmoniseError as error:
            print(f"error in harmonise step {name}: {error}", file=sys.stderr)
            return 1
        print(f"{name:10s} {time.perf_counter() - start:5.1f}s  " + ", ".join(p.name for p in paths))
    return 0


def cmd_build(args) -> int:
    from analytics.db import build
    from analytics.diskspace import DiskFull
    from analytics.text_safety import printable
    from analytics.validate import ValidationError

    try:
        result = build()
    except ValidationError as error:
        print(f"build refused, database unchanged.\n{error}", file=sys.stderr)
        return 1
    except DiskFull as error:  # one line, no traceback, no temporary file left
        print(f"error: {error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 -- a message, never a traceback
        print(f"build failed, database unchanged: {type(error).__name__}: {printable(error)}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


def cmd_ingest(args) -> int:
    from pathlib import Path

    from analytics.ingest import IngestError, ingest_file
    from analytics.text_safety import printable

    harmonised = Path(args.harmonised) if args.harmonised else HARMONISED_DIR
    try:
        result = ingest_file(args.file, replace=args.replace, harmonised=harmonised)
    except IngestError as error:
        print(f"ingest refused, nothing changed.\n{error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"ingest interrupted, nothing changed: {printable(args.file)}", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 -- a message, never a traceback
        print(f"ingest failed, nothing changed: {printable(args.file)}: {type(error).__name__}: {printable(error)}",
              file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


def cmd_export(args) -> int:
    from analytics.db import connect
    from analytics.export import write_file, years_available

    try:
        con = connect()
        if args.dataset == "area_counts":
            years = list(args.year)
            if not years and list(args.years) != [1900, 2100]:  # a range: the years in it that exist
                wanted = set(range(args.years[0], args.years[1] + 1))
                years = [y for y in years_available(con, args.city, args.group, args.area_level) if y in wanted]
                if not years:
                    raise ValueError(f"no district counts between {args.years[0]} and {args.years[1]} for this selection")
            filters = {"cities": args.city, "years": years, "groups": args.group, "area_levels": args.area_level,
                       "source_types": args.source_type}
        else:
            filters = {"cities": args.city, "indicators": args.indicator, "concepts": args.concept, "themes": args.theme,
                       "geo_levels": args.geo_level, "source_types": args.source_type, "years": tuple(args.years)}
        filters = {k: v for k, v in filters.items() if v}
        size = write_file(con, filters, args.format, args.output, city_id=args.city[0] if args.city and len(args.city) == 1 else None,
                          dataset=args.dataset, memory_limit=args.memory_limit)
    except (ValueError, FileNotFoundError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.output} ({size:,} bytes)")
    return 0


def cmd_summary(args) -> int:
    from analytics.db import summary

    print(summary())
    return 0


def cmd_publish(args) -> int:
    from analytics.diskspace import DiskFull
    from analytics.ingest import data_lock
    from analytics.store import publish_parquet

    start = time.perf_counter()
    try:
        with data_lock(HARMONISED_DIR):  # the one lock of build, ingest and publish
            manifest = publish_parquet(args.db, args.parquet)
    except (FileNotFoundError, DiskFull) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(json.dumps({"path": args.parquet, "data_version": manifest["data_version"],
                      "seconds": round(time.perf_counter() - start, 2),
                      "rows": {name: table["rows"] for name, table in manifest["tables"].items()}}, indent=2))
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["brief"]:  # briefs belong to the document layer: the top-level command line makes them
        print("error: briefs are made by the top-level command line: python -m mc2cm " + " ".join(argv), file=sys.stderr)
        return 2
    parser = argparse.ArgumentParser(prog="python -m analytics", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("data", help="re-run the harmonise steps")
    p.add_argument("steps", nargs="*")
    p.set_defaults(func=cmd_data)
    sub.add_parser("build", help="validate and build the database").set_defaults(func=cmd_build)
    p = sub.add_parser("ingest", help="add an indicator file and rebuild")
    p.add_argument("file")
    p.add_argument("--replace", action="store_true", help="replace a previously ingested file of the same name")
    p.add_argument("--harmonised", help="the harmonised data folder (default data/harmonised; tests use a copy)")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser("export", help="export filtered observations or district counts (csv, xlsx, parquet, geojson, zip)")
    p.add_argument("--dataset", choices=["observations", "area_counts"], default="observations",
                   help="observations (city figures, default) or area_counts (district counts)")
    for name in ("city", "indicator", "concept", "theme", "geo-level", "source-type", "group", "area-level"):
        p.add_argument(f"--{name}", action="append", default=[], help="repeat to select several")
    p.add_argument("--year", action="append", type=int, default=[], help="area_counts: a year that exists (repeat)")
    p.add_argument("--years", nargs=2, type=int, default=[1900, 2100], metavar=("FROM", "TO"))
    p.add_argument("--format", choices=["csv", "xlsx", "parquet", "geojson", "zip"], default="csv")
    p.add_argument("--memory-limit", default="256MB", help="DuckDB memory cap; larger sorts spill to a temporary folder")
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(func=cmd_export)
    sub.add_parser("summary", help="row counts per table").set_defaults(func=cmd_summary)
    p = sub.add_parser("publish", help="publish the database as a directory of Parquet files (docs/scaling.md)")
    p.add_argument("--parquet", required=True, metavar="DIR", help="output directory (replaced atomically)")
    p.add_argument("--db", default=None, help="the DuckDB file to publish (default: MC2CM_DB)")
    p.set_defaults(func=cmd_publish)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
