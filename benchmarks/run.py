"""Benchmarks: analytics behind every page at 1x/10x/100x the real data, each against the same
computation in plain pandas (in-memory DataFrames, no I/O) in the same run; the real build;
page AppTest runs; CSV / ZIP export of 100,000 and 1,000,000 rows; peak memory.

    python -m benchmarks.run --scales 1 10 100     (make bench)
    python -m benchmarks.run --scales 1 --quick    (CI smoke: fewer runs, no 1M export)

Writes benchmarks/results.json and the table in benchmarks/README.md.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from analytics import compare, coverage, export, spatial  # noqa: E402
from analytics.compare import CITY_LEVELS, GEO_RANK, SOURCE_RANK  # noqa: E402


def timed(fn, runs):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return float(np.percentile(samples, 50)), float(np.percentile(samples, 95))


# ---------------------------------------------------------------- plain-pandas baselines
class PandasBaseline:
    """The same computations written in plain pandas over in-memory DataFrames."""

    def __init__(self, tables):
        self.obs = tables["observations"]
        self.sources = tables["sources"]
        self.indicators = tables["indicators"]
        self.areas = tables["areas"]
        self.counts = tables["area_counts"]
        self.cities = tables["cities"]

    def compare_cities(self, indicator_id):
        o = self.obs[(self.obs.indicator_id == indicator_id) & (self.obs.breakdown == "") & self.obs.geo_level.isin(CITY_LEVELS)]
        o = o.merge(self.sources[["source_id", "source_type", "publisher", "url"]], on="source_id")
        o = o.assign(_geo=o.geo_level.map(GEO_RANK), _src=o.source_type.map(SOURCE_RANK))
        best = o.sort_values(["city_id", "_geo", "year", "_src"], ascending=[True, True, False, True]).drop_duplicates("city_id")
        out = self.cities[["city_id", "name"]].merge(best, on="city_id", how="left")
        ref = out.concept.mode()
        out["comparable"] = out.concept == (ref.iloc[0] if len(ref) else None)
        return out

    def timeseries(self, indicator_id):
        o = self.obs[(self.obs.indicator_id == indicator_id) & (self.obs.breakdown == "")]
        return o.merge(self.sources, on="source_id").sort_values(["city_id", "geo_level", "year"])

    def coverage_matrix(self):
        o = self.obs.merge(self.sources[["source_id", "source_type"]], on="source_id").merge(self.indicators[["indicator_id", "theme"]], on="indicator_id")
        o["rank"] = o.source_type.map(SOURCE_RANK)
        return o.groupby(["indicator_id", "city_id"]).agg(n=("year", "size"), latest=("year", "max"), best=("rank", "min"))

    def area_table(self, city_id, group_id="foreign", year=None):
        c = self.counts[self.counts.city_id == city_id]
        year = year or c.year.max()
        c = c[c.year == year]
        wide = c.pivot_table(index="area_id", columns="group_id", values="value")
        t = self.areas[self.areas.city_id == city_id].merge(wide, left_on="area_id", right_index=True)
        t["share_pct"] = t[group_id] / t["total"] * 100
        t["lq"] = (t[group_id] / t["total"]) / (t[group_id].sum() / t["total"].sum())
        return t

    def observations_table(self, cities):
        o = self.obs[self.obs.city_id.isin(cities)].merge(self.sources, on="source_id").merge(self.indicators[["indicator_id", "label"]], on="indicator_id")
        return o.sort_values(["city_id", "indicator_id", "year"])


CACHE = Path(os.environ.get("MC2CM_BENCH_CACHE", "/tmp/mc2cm-bench"))
TABLES = ("observations", "sources", "indicators", "areas", "area_counts", "cities")
SQL_COMPARE = """
    SELECT c.city_id, c.name AS city, b.* EXCLUDE (city_id) FROM cities c LEFT JOIN (
        SELECT o.*, s.source_type, s.publisher, s.url FROM observations o JOIN sources s USING (source_id)
        WHERE o.indicator_id = ? AND o.breakdown = '' AND o.geo_level IN ('municipality', 'governorate', 'metropolitan', 'region')
        QUALIFY row_number() OVER (PARTITION BY o.city_id ORDER BY CASE o.geo_level WHEN 'municipality' THEN 0
            WHEN 'governorate' THEN 1 WHEN 'metropolitan' THEN 2 ELSE 3 END, o.year DESC, o.source_id) = 1) b USING (city_id)
    ORDER BY b.value DESC NULLS LAST"""
SQL_CITY_SERIES = """
    SELECT o.*, s.source_type, s.publisher, s.title, s.url FROM observations o JOIN sources s USING (source_id)
    WHERE o.indicator_id = ? AND o.city_id = ? AND o.breakdown = ''
      AND o.geo_level IN ('municipality', 'governorate', 'metropolitan', 'region')
    ORDER BY o.geo_level, o.year, o.source_id"""
# Dissimilarity, isolation and exposure of one city's areas (latest year, finest level) in one SELECT.
SQL_SEGREGATION = """
    WITH pick AS (SELECT area_level, max(t.year) AS year FROM area_counts t JOIN areas a USING (city_id, area_id)
                  WHERE t.city_id = ? AND t.group_id = ? GROUP BY area_level ORDER BY count(*) DESC LIMIT 1),
    cell AS (SELECT g.value AS x, t.value AS t FROM areas a, pick
             JOIN area_counts t ON t.group_id = 'total' AND t.year = pick.year
             JOIN area_counts g ON g.group_id = ? AND g.year = pick.year
             WHERE a.city_id = ? AND a.area_level = pick.area_level
               AND t.city_id = a.city_id AND t.area_id = a.area_id AND g.city_id = a.city_id AND g.area_id = a.area_id),
    tot AS (SELECT sum(x) AS sx, sum(t) AS st FROM cell)
    SELECT 'dissimilarity' AS index, 0.5 * sum(abs(x / sx - (t - x) / (st - sx))) AS value FROM cell, tot
    UNION ALL SELECT 'isolation', sum((x / sx) * (x / t)) FROM cell, tot
    UNION ALL SELECT 'exposure', sum((x / sx) * ((t - x) / t)) FROM cell, tot"""


def database_for(scale) -> Path:
    """1x: the real database (MC2CM_DB); other scales: a synthetic one, built once under CACHE."""
    if scale == 1:
        from analytics.paths import database_path

        return database_path()
    from benchmarks.__main__ import _is_synthetic
    from benchmarks.synthetic import build_synthetic

    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"synthetic_{scale}x.duckdb"
    if not (path.exists() and _is_synthetic(path)):
        print(f"building {path} (once; cached)", flush=True)
        build_synthetic(scale, path)
    return path


def bench_scale(scale, runs, results, quick, path=None):
    import duckdb

    path = path or database_for(scale)
    con = duckdb.connect(str(path), read_only=True)
    tables = {t: con.execute(f"SELECT * FROM {t}").df() for t in TABLES}
    results.append({"name": "database", "scale": scale, "p50_ms": None, "p95_ms": None, "baseline_p95_ms": None,
                    "ratio": None, "path": str(path), "rows_observations": len(tables["observations"]),
                    "cities": len(tables["cities"]), "areas": len(tables["areas"])})
    base = PandasBaseline(tables)
    with_counts = sorted(set(tables["area_counts"].query("group_id == 'foreign'").city_id))
    city = "madrid" if "madrid" in with_counts else with_counts[0]
    group = "foreign"
    series_city = tables["observations"].query("indicator_id == 'foreign_citizens_share'").city_id.min()
    cities3 = list(tables["cities"].city_id.iloc[:3])
    cases = [
        ("compare.compare_cities", lambda: compare.compare_cities(con, "foreign_citizens_share"),
         lambda: base.compare_cities("foreign_citizens_share"),
         lambda: con.execute(SQL_COMPARE, ["foreign_citizens_share"]).df()),
        ("compare.timeseries", lambda: compare.timeseries(con, "foreign_citizens_share"), lambda: base.timeseries("foreign_citizens_share"), None),
        ("compare.timeseries[one city]", lambda: compare.timeseries(con, "foreign_citizens_share", cities=[series_city]), None,
         lambda: con.execute(SQL_CITY_SERIES, ["foreign_citizens_share", series_city]).df()),
        ("coverage.coverage_matrix", lambda: coverage.coverage_matrix(con), base.coverage_matrix, None),
        ("spatial.area_table", lambda: spatial.area_table(con, city), lambda: base.area_table(city), None),
        ("spatial.segregation_indices", lambda: spatial.segregation_indices(con, city), None,
         lambda: con.execute(SQL_SEGREGATION, [city, group, group, city]).df()),
        ("spatial.segregation_indices[permutations=0]", lambda: spatial.segregation_indices(con, city, permutations=0), None,
         lambda: con.execute(SQL_SEGREGATION, [city, group, group, city]).df()),
        ("spatial.lisa_table", lambda: spatial.lisa_table(con, city), None, None),
        ("export.observations_table", lambda: export.observations_table(con, cities=cities3), lambda: base.observations_table(cities3), None),
    ]
    for name, ours, baseline, select in cases:
        ours()  # warm-up (imports, first query plans)
        p50, p95 = timed(ours, runs)
        b95 = s95 = None
        if baseline is not None:
            baseline()
            _, b95 = timed(baseline, runs)
        extra = {}
        if select is not None:
            rows = len(select())
            _, s95 = timed(select, runs)
            extra = {"duckdb_select_p95_ms": s95, "select_ratio": p95 / s95, "select_rows": rows}
        results.append({"name": name, "scale": scale, "p50_ms": p50, "p95_ms": p95, "baseline_p95_ms": b95,
                        "ratio": (b95 / p95) if b95 else None, **extra})
        print(f"{scale:>4}x {name:44s} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  pandas p95 {b95 or float('nan'):8.1f} ms"
              f"  SELECT p95 {s95 or float('nan'):7.1f} ms" + (f" (x{p95 / s95:.1f})" if s95 else ""), flush=True)
    if not quick:
        for n_rows in (100_000, 1_000_000):
            if n_rows > len(tables["observations"]):
                continue
            frame = export.observations_table(con)
            frame = frame.iloc[:n_rows]
            p50, p95 = timed(lambda: export.to_csv_bytes(frame), 3)
            _, b95 = timed(lambda: frame.to_csv(index=False).encode(), 3)
            results.append({"name": f"export.csv_{n_rows}_rows", "scale": scale, "p50_ms": p50, "p95_ms": p95, "baseline_p95_ms": b95,
                            "ratio": b95 / p95})
            print(f"{scale:>4}x export {n_rows:>9,} rows: csv p95 {p95:.0f} ms (pandas {b95:.0f} ms)", flush=True)
    con.close()


def bench_real(results, runs):
    from analytics.db import build

    target = HERE / "bench_real.duckdb"
    samples = []
    for _ in range(max(3, runs // 4)):
        start = time.perf_counter()
        build(target)
        samples.append((time.perf_counter() - start) * 1000)
    results.append({"name": "build_real_database", "scale": 1, "p50_ms": float(np.median(samples)),
                    "p95_ms": float(np.percentile(samples, 95)), "baseline_p95_ms": None, "ratio": None})
    print(f"real build p50 {np.median(samples):.0f} ms", flush=True)
    # cold start: does the app's start path import PySAL?
    cold = subprocess.run([sys.executable, "-X", "importtime", "-c", "import ui.data, ui.render, ui.widgets, figures.compare, analytics.compare"],
                          capture_output=True, text=True, cwd=ROOT)
    modules = [line.rsplit("|", 1)[-1].strip() for line in cold.stderr.splitlines() if line.startswith("import time:")]
    heavy = sorted({m.split(".")[0] for m in modules if m.split(".")[0] in ("esda", "libpysal", "numba", "segregation", "pandera")})
    results.append({"name": "cold_start_heavy_imports", "scale": 1, "p50_ms": None, "p95_ms": None, "baseline_p95_ms": None,
                    "ratio": None, "value": heavy})
    target.unlink(missing_ok=True)


def write_readme(results, scales):
    """Rewrite the part of benchmarks/README.md from ``## Results`` on; everything above it is kept."""
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n\n"
    head = text.split("\n## Results", 1)[0].rstrip() + "\n\n"
    lines = ["## Results", "", f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
             f"run {date.today().isoformat()} (`make bench`, scales {', '.join(f'{s}x' for s in scales)}).", "",
             "1x = the real database; 10x and 100x = synthetic databases (benchmarks/synthetic.py), built once and cached "
             "under /tmp/mc2cm-bench/. server.* = AppTest script runs; browser.* = headless Chromium until the script "
             "finished and every chart is drawn; p50/p95 over the warm runs (n), cold = first visit after start. "
             "Ratio = pandas baseline p95 / our p95; select_ratio = our p95 / single DuckDB SELECT p95. "
             "Analysis against the targets: ANALYSIS.md.", "",
             "| name | scale | p50 ms | p95 ms | pandas p95 ms | ratio | other |", "|---|---|---|---|---|---|---|"]
    fmt = lambda v: "" if v is None else f"{v:,.1f}"  # noqa: E731
    for r in results:
        other = ", ".join(f"{k}={v:,.0f}" if isinstance(v, (int, float)) and not isinstance(v, bool) else f"{k}={v}"
                          for k, v in r.items() if k not in ("name", "scale", "p50_ms", "p95_ms", "baseline_p95_ms", "ratio",
                                                             "path", "note", "error_examples", "pages"))
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(f"| {r['name']} | {r['scale']}x | {fmt(r['p50_ms'])} | {fmt(r['p95_ms'])} | {fmt(r['baseline_p95_ms'])} | "
                     f"{ratio} | {other.replace('|', '/')} |")
    readme.write_text(head + "\n".join(lines) + "\n", encoding="utf-8")
    write_speed_section(results)


SPEED_START, SPEED_END = "<!-- speed table: written by make bench -->", "<!-- end of speed table -->"


def write_speed_section(results):
    """The page table in the project README (between the two markers), from this run."""
    from benchmarks.pages import speed_table

    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if SPEED_START not in text or SPEED_END not in text:
        return
    before, rest = text.split(SPEED_START, 1)
    after = rest.split(SPEED_END, 1)[1]
    readme.write_text(before + SPEED_START + "\n" + speed_table(results) + "\n" + SPEED_END + after, encoding="utf-8")


def save(results, scales, profiles=None):
    scales = sorted({r["scale"] for r in results})
    (HERE / os.environ.get("MC2CM_BENCH_RESULTS", "results.json")).write_text(json.dumps(results, indent=2, default=str) + "\n",
                                                                            encoding="utf-8")
    if profiles:
        (HERE / "profiles_100x.json").write_text(json.dumps(profiles, indent=1) + "\n", encoding="utf-8")
    write_readme(results, scales)


def main(argv=None):
    from benchmarks import pages

    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=20, help="runs of each analytics function")
    parser.add_argument("--page-runs", type=int, default=5, help="warm runs of each page (server and browser)")
    parser.add_argument("--concurrency", nargs="*", type=int, default=[20, 50], help="concurrent sessions at 1x")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--merge", action="store_true",
                        help="keep the committed results of the scales not run now (replace only these scales)")
    parser.add_argument("--quick", action="store_true", help="CI smoke: 1x, few runs, no browser, results not written")
    args = parser.parse_args(argv)
    results, profiles = [], None
    if args.quick:
        bench_real(results, 1)
        bench_scale(1, 3, results, True)
        pages.bench_apptest(1, database_for(1), 1, results)
        print(json.dumps(results[:3], indent=1))
        return 0
    if args.merge and (HERE / "results.json").exists():
        results = [r for r in json.loads((HERE / "results.json").read_text()) if r["scale"] not in args.scales
                   or (r["scale"] == 1 and r["name"] in ("build_real_database", "cold_start_heavy_imports"))]
    else:
        bench_real(results, 3)
    for scale in args.scales:
        db = database_for(scale)
        bench_scale(scale, args.runs, results, False, db)
        save(results, args.scales)
        prof_dir = CACHE / "profiles_100x" if scale == max(args.scales) and scale >= 100 else None
        pages.bench_apptest(scale, db, args.page_runs, results, profile_dir=prof_dir)
        if prof_dir:
            profiles = pages.summarise_profiles(prof_dir)
        save(results, args.scales, profiles)
        if not args.no_browser:
            pages.bench_browser(scale, db, args.page_runs if scale < 100 else min(args.page_runs, 5), results,
                                timeout=120 if scale < 100 else 400, concurrency=args.concurrency if scale == 1 else ())
            save(results, args.scales, profiles)
        if scale == 1 and args.concurrency:
            pages.bench_replicas(db, results, sessions=args.concurrency)
            save(results, args.scales, profiles)
    return 0


if __name__ == "__main__":
    sys.exit(main())
