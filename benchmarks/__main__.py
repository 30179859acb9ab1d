"""Benchmark commands.

``python -m benchmarks synthetic --scale N --out PATH [--seed S]``
    Build a synthetic database of N x the real network (9 * N cities, every one with district
    counts; see benchmarks/synthetic.py). Point the app at it with ``MC2CM_DB=PATH``.
``python -m benchmarks run [--scales 1 10 100] [--runs R] [--quick]``
    The timing benchmarks (benchmarks/run.py, also ``make bench``).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _is_synthetic(path: Path) -> bool:
    import duckdb

    from benchmarks.synthetic import SOURCE

    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error:
        return False
    try:
        return con.execute("SELECT count(*) FROM sources WHERE source_id = ?", [SOURCE["source_id"]]).fetchone()[0] > 0
    except duckdb.Error:
        return False
    finally:
        con.close()


def synthetic(argv) -> int:
    from analytics.paths import database_path
    from benchmarks.synthetic import build_synthetic

    parser = argparse.ArgumentParser(prog="python -m benchmarks synthetic",
                                     description="Build a synthetic database (9 x SCALE cities, all with district counts).")
    parser.add_argument("--scale", type=int, required=True, help="multiple of the real network (10 = 90 cities)")
    parser.add_argument("--out", type=Path, required=True, help="DuckDB file to write (replaced atomically)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default %(default)s)")
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error(f"--scale must be a positive integer, got {args.scale}")
    out = args.out.resolve()
    if out == database_path().resolve() or out == (Path(__file__).resolve().parents[1] / "data" / "mc2cm.duckdb"):
        parser.error(f"--out {args.out}: that is the real database; synthetic data never replace it")
    if out.exists() and not _is_synthetic(out):
        parser.error(f"--out {args.out}: exists and is not a synthetic database; choose another path or delete it")
    start = time.perf_counter()
    path, tables, _ = build_synthetic(args.scale, out, args.seed)
    counts = ", ".join(f"{len(tables[t]):,} {t}" for t in ("cities", "observations", "areas", "area_counts"))
    print(f"wrote {path} (scale {args.scale}: {counts}) in {time.perf_counter() - start:.1f} s")
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "synthetic":
        return synthetic(rest)
    if command == "run":
        from benchmarks.run import main as run_main

        return run_main(rest)
    print(f"unknown command {command!r}\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
