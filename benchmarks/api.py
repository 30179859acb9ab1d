"""Time the public API at 1x and 100x in one run: ``python -m benchmarks.api [--runs N]``.

Requests go through the ASGI application in process (Starlette's test client: the server's
work without the network). Per scale:

- ``profile``: ``GET /api/v1/profile/<city>`` with the built page forgotten before each request
  (what the first reader of a city waits for), and warm (the page built once per data version);
- ``csv 10k``: ``GET /api/v1/observations.csv?limit=10000`` (the real database holds fewer
  figures than that: all of them are returned, and the row count is printed).

1x is the real database (``MC2CM_DB``), 100x the synthetic one of ``benchmarks.run``
(``MC2CM_BENCH_CACHE``, built once). The load average is printed: the machine may be shared.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

CITY = {1: "vienna"}


def _p(samples, q):
    return float(np.percentile(np.array(samples) * 1000, q))


def bench(scale: int, db, runs: int) -> list[dict]:
    from starlette.testclient import TestClient

    import api
    from api import pages

    os.environ["MC2CM_DB"] = str(db)
    client = TestClient(api.asgi_app())
    city = CITY.get(scale) or client.get("/api/v1/cities").json()["rows"][0]["city_id"]
    rows = []
    cases = [("profile cold", f"/api/v1/profile/{city}", True), ("profile warm", f"/api/v1/profile/{city}", False),
             ("csv 10k rows", "/api/v1/observations.csv?limit=10000", False)]
    for name, url, cold in cases:
        assert client.get(url).status_code == 200, url  # opens the database, imports, first build
        samples, size, n_rows = [], 0, None
        for _ in range(runs):
            if cold:
                pages.clear()
            start = time.perf_counter()
            response = client.get(url)
            samples.append(time.perf_counter() - start)
            size = len(response.content)
            if "csv" in url:
                n_rows = response.text.count("\n") - 1
        rows.append({"scale": scale, "name": name, "url": url, "p50_ms": _p(samples, 50), "p95_ms": _p(samples, 95),
                     "bytes": size, "rows": n_rows, "runs": runs})
    return rows


def main(argv=None) -> int:
    from analytics.paths import database_path
    from benchmarks.run import database_for

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--scales", nargs="+", type=int, default=[1, 100])
    args = parser.parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.1f} / {os.getloadavg()[1]:.1f} / {os.getloadavg()[2]:.1f} on {os.cpu_count()} cores;"
          f" {args.runs} runs per line")
    real = database_path()
    results = []
    for scale in args.scales:
        db = real if scale == 1 else database_for(scale)
        results += bench(scale, db, args.runs)
    print(f"{'api':14s} {'scale':>5s} {'p50 ms':>9s} {'p95 ms':>9s} {'rows':>7s} {'bytes':>11s}")
    for r in results:
        print(f"{r['name']:14s} {r['scale']:>4d}x {r['p50_ms']:9.1f} {r['p95_ms']:9.1f} {r['rows'] if r['rows'] is not None else '':>7} "
              f"{r['bytes']:11,d}")
    low, high = min(args.scales), max(args.scales)
    for name in ("profile cold", "profile warm", "csv 10k rows"):
        a = next(r for r in results if r["scale"] == low and r["name"] == name)
        b = next(r for r in results if r["scale"] == high and r["name"] == name)
        print(f"API p95 {name}: {a['p95_ms']:.0f} ms at {low}x, {b['p95_ms']:.0f} ms at {high}x, ratio {b['p95_ms'] / a['p95_ms']:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
