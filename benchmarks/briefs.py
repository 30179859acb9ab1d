"""Time briefs at 1x (the real database): ``python -m benchmarks.briefs [--repeat N]``.

Prints seconds per brief (city: Vienna en, Tangier fr, Amman ar; comparison: Madrid and
Vienna) for each format, with a cold image server (Chromium started per brief, as the
command line does) and a warm one (``keep_renderer=True``, as a page that makes several
briefs). The target is at most 5 s per brief; not a timed test. The load average is
printed too: on a shared machine the numbers scale with it.
"""
from __future__ import annotations

import argparse
import os
import time

import briefs
from analytics.db import connect

CASES = [("city", {"city_id": "vienna"}, "en"), ("city", {"city_id": "tangier"}, "fr"), ("city", {"city_id": "amman"}, "ar"),
         ("comparison", {"city_ids": ["madrid", "vienna"], "indicator": "foreign_citizens_share"}, "en")]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--formats", nargs="+", default=list(briefs.FORMATS))
    args = parser.parse_args(argv)
    con = connect()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"{'brief':28s} {'fmt':5s} {'cold s':>7s} {'warm s':>7s} {'bytes':>10s}")
    from briefs.images import close

    for kind, params, lang in CASES:
        name = f"{kind} {params.get('city_id') or ','.join(params['city_ids'])} {lang}"
        for fmt in args.formats:
            cold, warm, size = [], [], 0
            for _ in range(args.repeat):
                close()
                start = time.perf_counter()
                size = len(briefs.make(con, kind, fmt=fmt, lang=lang, **params))
                cold.append(time.perf_counter() - start)
                briefs.make(con, kind, fmt=fmt, lang=lang, keep_renderer=True, **params)  # server up
                start = time.perf_counter()
                briefs.make(con, kind, fmt=fmt, lang=lang, keep_renderer=True, **params)
                warm.append(time.perf_counter() - start)
            print(f"{name:28s} {fmt:5s} {min(cold):7.2f} {min(warm):7.2f} {size:10,d}")
    close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
