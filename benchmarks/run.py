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


def bench_scale(scale, runs, results, quick):
    import duckdb

    from benchmarks.synthetic import build_synthetic

    path = HERE / f"bench_{scale}x.duckdb"
    path.unlink(missing_ok=True)
    _, tables, build_s = build_synthetic(scale, path)
    results.append({"name": "build_synthetic_database", "scale": scale, "p50_ms": build_s * 1000, "p95_ms": build_s * 1000,
                    "baseline_p95_ms": None, "ratio": None, "rows_observations": len(tables["observations"]),
                    "areas": len(tables["areas"])})
    con = duckdb.connect(str(path), read_only=True)
    base = PandasBaseline(tables)
    city = tables["cities"].city_id.iloc[0]
    cities3 = list(tables["cities"].city_id.iloc[:3])
    cases = [
        ("compare.compare_cities", lambda: compare.compare_cities(con, "foreign_citizens_share"),
         lambda: base.compare_cities("foreign_citizens_share")),
        ("compare.timeseries", lambda: compare.timeseries(con, "foreign_citizens_share"), lambda: base.timeseries("foreign_citizens_share")),
        ("coverage.coverage_matrix", lambda: coverage.coverage_matrix(con), base.coverage_matrix),
        ("spatial.area_table", lambda: spatial.area_table(con, city), lambda: base.area_table(city)),
        ("spatial.segregation_indices", lambda: spatial.segregation_indices(con, city), None),
        ("spatial.lisa_table", lambda: spatial.lisa_table(con, city), None),
        ("export.observations_table", lambda: export.observations_table(con, cities=cities3), lambda: base.observations_table(cities3)),
    ]
    for name, ours, baseline in cases:
        ours()  # warm-up (imports, first query plans)
        p50, p95 = timed(ours, runs)
        b95 = None
        if baseline is not None:
            baseline()
            _, b95 = timed(baseline, runs)
        results.append({"name": name, "scale": scale, "p50_ms": p50, "p95_ms": p95, "baseline_p95_ms": b95,
                        "ratio": (b95 / p95) if b95 else None})
        print(f"{scale:>4}x {name:32s} p50 {p50:8.1f} ms  p95 {p95:8.1f} ms  pandas p95 {b95 or float('nan'):8.1f} ms", flush=True)
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
            p50z, p95z = timed(lambda: export.zip_bundle(con, frame, {}), 3)
            results.append({"name": f"export.zip_{n_rows}_rows", "scale": scale, "p50_ms": p50z, "p95_ms": p95z,
                            "baseline_p95_ms": None, "ratio": None})
            print(f"{scale:>4}x export {n_rows:>9,} rows: csv p95 {p95:.0f} ms (pandas {b95:.0f} ms), zip p95 {p95z:.0f} ms", flush=True)
    con.close()
    path.unlink(missing_ok=True)


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
    # page AppTest runs and the resident memory of a process that renders every page
    script = f"""
import os, time, json, resource
os.environ['MC2CM_DB'] = {str(target)!r}
from streamlit.testing.v1 import AppTest
pages = ['overview', 'city', 'compare', 'spatial', 'origins', 'themes', 'explorer', 'coverage', 'methods']
out = {{}}
for page in pages:
    times = []
    for i in range({runs}):
        at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout=120)
        if page != 'overview':
            at.switch_page(f'views/{{page}}.py')
        start = time.perf_counter(); at.run(); times.append((time.perf_counter() - start) * 1000)
        assert not at.exception, page
    out[page] = times
out['maxrss_kb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps(out))
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    for page in [k for k in data if k != "maxrss_kb"]:
        times = data[page][1:] or data[page]  # first run warms the caches
        results.append({"name": f"apptest.{page}", "scale": 1, "p50_ms": float(np.percentile(times, 50)),
                        "p95_ms": float(np.percentile(times, 95)), "baseline_p95_ms": None, "ratio": None,
                        "first_run_ms": data[page][0]})
        print(f"apptest {page:10s} first {data[page][0]:7.0f} ms  p50 {np.percentile(times, 50):6.0f} ms", flush=True)
    results.append({"name": "apptest_process_peak_rss_mb", "scale": 1, "p50_ms": None, "p95_ms": None, "baseline_p95_ms": None,
                    "ratio": None, "value": data["maxrss_kb"] / 1024})
    server = server_memory(target)
    if server is not None:
        results.append({"name": "app_server_peak_rss_mb", "scale": 1, "p50_ms": None, "p95_ms": None, "baseline_p95_ms": None,
                         "ratio": None, "value": server})
        print(f"streamlit server peak RSS after visiting every page: {server:.0f} MB", flush=True)
    # cold start: importing the app's start path (no PySAL)
    cold = subprocess.run([sys.executable, "-X", "importtime", "-c", "import ui.data, ui.render, ui.widgets, figures.compare, analytics.compare"],
                          capture_output=True, text=True, cwd=ROOT)
    modules = [line.rsplit("|", 1)[-1].strip() for line in cold.stderr.splitlines() if line.startswith("import time:")]
    heavy = [m for m in modules if m.split(".")[0] in ("esda", "libpysal", "numba", "segregation")]
    results.append({"name": "cold_start_imports_pysal", "scale": 1, "p50_ms": None, "p95_ms": None, "baseline_p95_ms": None,
                    "ratio": None, "value": bool(heavy)})
    target.unlink(missing_ok=True)


def server_memory(db_path) -> float | None:
    """Peak resident memory (VmHWM, MB) of `streamlit run app.py` after a browser visited every page."""
    import socket

    if not Path("/usr/bin/chromium").exists():
        return None
    from playwright.sync_api import sync_playwright

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = dict(os.environ, MC2CM_DB=str(db_path))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
                             "127.0.0.1", "--server.headless", "true"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(120):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium",
                                        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            for name in ["overview", "city", "compare", "spatial", "origins", "themes", "explorer", "coverage", "methods"]:
                page.goto(f"http://127.0.0.1:{port}/{name}")
                page.wait_for_selector("[data-testid='stAppViewContainer'] h1", timeout=120000)
                page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120000)
            browser.close()
        status = Path(f"/proc/{proc.pid}/status").read_text()
        return int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM"))) / 1024
    finally:
        proc.terminate()
        proc.wait(10)


def write_readme(results, scales):
    lines = ["# Benchmarks", "", f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
             f"run {date.today().isoformat()} (`make bench`, scales {', '.join(f'{s}x' for s in scales)}).", "",
             "Synthetic data (benchmarks/synthetic.py) are generated, kept in their own DuckDB file and deleted after the run.",
             "Ratio = pandas baseline p95 / our p95 (above 1: faster than plain pandas over in-memory frames).", "",
             "| name | scale | p50 ms | p95 ms | pandas p95 ms | ratio | other |", "|---|---|---|---|---|---|---|"]
    fmt = lambda v: "" if v is None else f"{v:,.1f}"  # noqa: E731
    for r in results:
        other = ", ".join(f"{k}={v:,.0f}" if isinstance(v, (int, float)) and not isinstance(v, bool) else f"{k}={v}"
                          for k, v in r.items() if k not in ("name", "scale", "p50_ms", "p95_ms", "baseline_p95_ms", "ratio"))
        ratio = "" if r["ratio"] is None else f"{r['ratio']:.2f}"
        lines.append(f"| {r['name']} | {r['scale']}x | {fmt(r['p50_ms'])} | {fmt(r['p95_ms'])} | {fmt(r['baseline_p95_ms'])} | "
                     f"{ratio} | {other} |")
    (HERE / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 10, 100])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="CI smoke: 5 runs, no large exports, results not written")
    args = parser.parse_args(argv)
    runs = 5 if args.quick else args.runs
    results = []
    bench_real(results, 3 if args.quick else 6)
    for scale in args.scales:
        bench_scale(scale, runs, results, args.quick)
    if args.quick:
        print(json.dumps(results[:3], indent=1))
        return 0
    (HERE / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    write_readme(results, args.scales)
    return 0


if __name__ == "__main__":
    sys.exit(main())
