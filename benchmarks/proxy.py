"""A conference hall through the real proxy: 50, 100 and 200 concurrent sessions through nginx
(deploy/: cookie affinity, supervisord) on 1, 2 and 4 app replicas (``make bench-proxy``).

Each session is a websocket client of benchmarks/sessions.py that does what a browser does
through the proxy: GET the page (nginx sets the affinity cookie), open the websocket with the
cookie, render a page, change its filter, go to the next page, change its filter
(``PAGES``). All sessions start at once: the hall opening the presenter's link.

Reported per row (benchmarks/proxy.json and the README's speed section):
- p50 / p95 of the time to a rendered page: from a step's request to Streamlit's
  ``script_finished`` (every step: page loads and filter changes), and the p95 of the *first*
  page (page request, websocket and first run: what a person in the hall waits for);
- errors (exceptions on a page, lost connections), and whether every session saw the same numbers;
- steps cut by the row's time bound (``--row-s``, default 60 s: the machine is shared, so no
  row runs longer): no step starts after the bound and steps still waiting are abandoned and
  counted, with the time they had waited; p95 over rendered and cut steps (a cut step counted
  with its wait, a lower bound) is reported beside the p95 of rendered steps;
- the peak RSS of the deployment (nginx and every replica; psutil, sampled every 0.25 s) and of
  the largest replica;
- the 1-minute load average before and after the row, and the CPU count.

    python -m benchmarks.proxy --ports 8523-8532         # nginx and the replicas on free ports in this range
    python -m benchmarks.proxy --replicas 2 --sessions 100 --row-s 60
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import threading
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGES = ["overview", "city"]  # open the link, change a filter, go to a city, change it
RESULTS = HERE / "proxy.json"
TABLE_START, TABLE_END = "<!-- proxy table: written by make bench-proxy -->", "<!-- end of proxy table -->"
TARGET = {"sessions": 100, "replicas": 2, "p95_s": 3.0}


def pct(values, q):
    import numpy as np

    return float(np.percentile(values, q)) if len(values) else None


class RSS:
    """Peak RSS of supervisord's process tree (nginx, its workers, every replica), sampled in a thread."""

    def __init__(self, pid: int, interval: float = 0.25):
        import psutil

        self.root, self.interval = psutil.Process(pid), interval
        self.peak_total_mb = self.peak_replica_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def cpu_s(self) -> float:
        """CPU seconds (user + system) used so far by the replicas and nginx."""
        total = 0.0
        try:
            processes = self.root.children(recursive=True)
        except Exception:  # noqa: BLE001
            return 0.0
        for proc in processes:
            try:
                times = proc.cpu_times()
                total += times.user + times.system
            except Exception:  # noqa: BLE001
                continue
        return total

    def now(self) -> tuple[float, float]:
        total, largest = 0, 0
        try:
            processes = self.root.children(recursive=True)
        except Exception:  # noqa: BLE001 - supervisord gone
            return 0.0, 0.0
        for proc in processes:
            try:
                rss = proc.memory_info().rss
            except Exception:  # noqa: BLE001 - a process that ended between the listing and now
                continue
            total += rss
            if "streamlit" in " ".join(proc.cmdline()):
                largest = max(largest, rss)
        return total / 2**20, largest / 2**20

    def _run(self):
        while not self._stop.is_set():
            total, largest = self.now()
            self.peak_total_mb, self.peak_replica_mb = max(self.peak_total_mb, total), max(self.peak_replica_mb, largest)
            time.sleep(self.interval)

    def __enter__(self):
        self.peak_total_mb, self.peak_replica_mb = self.now()
        self.cpu_start, self.cpu_used_s = self.cpu_s(), 0.0
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.cpu_used_s = self.cpu_s() - self.cpu_start
        self._stop.set()
        self._thread.join(5)


def summarise(result: dict, n: int, replicas: int, row_s: float, rss: RSS, load_before, load_after) -> dict:
    times = result["times"]
    first = [s["open_ms"] + s["first_ms"] for s in result["sessions"] if s["open_ms"] is not None and s["first_ms"] is not None]
    with_cut = times + result["cut_ms"]
    planned = sum(s["planned"] for s in result["sessions"])
    complete = sum(1 for s in result["sessions"] if s["steps"] == s["planned"])
    spread = Counter(s["replicas"][0] if s["replicas"] else "none" for s in result["sessions"])
    row = {
        "sessions": n, "replicas": replicas, "pages": PAGES, "row_bound_s": row_s, "wall_s": round(result["wall_s"], 1),
        "steps_rendered": len(times), "steps_planned": planned, "steps_cut": result["cut"],
        "sessions_complete": complete,
        "p50_ms": pct(times, 50), "p95_ms": pct(times, 95), "max_ms": max(times) if times else None,
        "p95_with_cut_ms": pct(with_cut, 95), "first_page_p50_ms": pct(first, 50), "first_page_p95_ms": pct(first, 95),
        "errors": len(result["errors"]), "error_examples": result["errors"][:3],
        "identical_numbers": result["identical"], "differing_steps": result["differing"],
        "sessions_per_replica": dict(sorted(spread.items())),
        "peak_rss_mb": round(rss.peak_total_mb), "peak_replica_rss_mb": round(rss.peak_replica_mb),
        "load_avg_1m_before": round(load_before, 2), "load_avg_1m_after": round(load_after, 2),
        # CPU the deployment got: a 2-core machine gives at most 2 CPU seconds per second of wall time
        "server_cpu_s": round(rss.cpu_used_s, 1),
        "server_cores_used": round(rss.cpu_used_s / result["wall_s"], 2) if result["wall_s"] else None,
        "server_cpu_ms_per_step": round(rss.cpu_used_s * 1000 / len(times)) if times else None,
    }
    return row


def _fmt_s(ms):
    return "" if ms is None else f"{ms / 1000:.2f} s"


def _cores(row) -> str:
    if row.get("server_cores_used") is None:
        return ""
    return f"{row['server_cores_used']:.2f}, {row['server_cpu_ms_per_step']} ms"


def table(rows: list[dict], meta: dict) -> str:
    lines = [f"Through nginx (deploy/, cookie affinity) on {meta['cpus']} cores, {meta['date']}: each session opens the link, "
             "changes a filter, opens a city, changes it; all start at once; rows bounded to "
             f"{meta['row_bound_s']:.0f} s (steps not rendered by then are counted as cut). Time to a rendered page = request "
             "to Streamlit's script_finished (no browser drawing); first page = page request + websocket + first run. "
             "The machine was shared with other work: load average per row. Every figure: `benchmarks/proxy.json`.",
             "",
             "| sessions | replicas | p50 | p95 | p95 first page | steps rendered / planned (cut) | errors | same numbers | "
             "peak RSS (largest replica) | server CPU: cores got, ms per step | load avg 1 min before → after |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['sessions']} | {r['replicas']} | {_fmt_s(r['p50_ms'])} | {_fmt_s(r['p95_ms'])} | "
                     f"{_fmt_s(r['first_page_p95_ms'])} | {r['steps_rendered']} / {r['steps_planned']} ({r['steps_cut']}) | "
                     f"{r['errors']} | {'yes' if r['identical_numbers'] else 'no'} | {r['peak_rss_mb']} MB "
                     f"({r['peak_replica_rss_mb']} MB) | {_cores(r)} | "
                     f"{r['load_avg_1m_before']:.1f} → {r['load_avg_1m_after']:.1f} |")
    target = meta.get("target")
    if target:
        lines += ["", target["verdict"]]
    return "\n".join(lines)


def verdict(rows: list[dict]) -> dict:
    """The target (100 sessions on 2 replicas, p95 <= 3 s), judged on rendered and cut steps."""
    row = next((r for r in rows if r["sessions"] == TARGET["sessions"] and r["replicas"] == TARGET["replicas"]), None)
    if row is None:
        return {}
    p95 = row["p95_with_cut_ms"]
    met = p95 is not None and p95 <= TARGET["p95_s"] * 1000 and row["errors"] == 0 and row["steps_cut"] == 0
    text = (f"Target: {TARGET['sessions']} sessions on {TARGET['replicas']} replicas with p95 <= {TARGET['p95_s']:.0f} s: "
            f"**{'met' if met else 'not met'}** (p95 {_fmt_s(row['p95_ms'])} over rendered steps, "
            f"{_fmt_s(p95)} counting the {row['steps_cut']} cut steps, {row['errors']} errors, "
            f"load average {row['load_avg_1m_before']:.1f} before the row).")
    return {"met": met, "verdict": text}


def write_readme(rows, meta, readme: Path = ROOT / "README.md") -> None:
    text = readme.read_text(encoding="utf-8")
    if TABLE_START not in text or TABLE_END not in text:
        return
    before, rest = text.split(TABLE_START, 1)
    after = rest.split(TABLE_END, 1)[1]
    readme.write_text(before + TABLE_START + "\n" + table(rows, meta) + "\n" + TABLE_END + after, encoding="utf-8")


def bench(db: str, ports: tuple[int, int], replica_counts, session_counts, row_s: float, run_root: Path,
          timeout: float = 60, on_row=None):
    """``ports``: the (first, last) localhost ports nginx and the replicas may use; each deployment
    takes the free ones in that range when it starts (nginx the lowest); a replica count without
    enough free ports is skipped and said so. ``on_row(rows)``: called after every row (the
    results are saved as they come)."""
    from benchmarks.sessions import concurrent_sessions
    from deploy.serve import Deployment, free_ports_in

    rows = []
    for replicas in replica_counts:
        run_dir = run_root / f"replicas-{replicas}"
        try:
            port, *replica_ports = free_ports_in(*ports, replicas + 1)
        except RuntimeError as error:  # a shared machine: other servers in the range
            print(f"{replicas} replica(s) not run: {error}", flush=True)
            continue
        deployment = Deployment(run_dir, replicas, db, port=port, replica_ports=replica_ports,
                                nginx_user="root" if os.geteuid() == 0 else None)
        try:
            deployment.start(timeout=180)
            print(f"{replicas} replica(s) on {deployment.replica_ports} healthy after {deployment.ready_s:.1f} s "
                  f"behind nginx :{deployment.port}", flush=True)
            for replica_port in deployment.replica_ports:  # every replica serves each view once first
                warm = asyncio.run(concurrent_sessions(replica_port, 1, PAGES, timeout=120))
                if warm["errors"]:
                    raise RuntimeError(f"warm-up on {replica_port} failed: {warm['errors'][:2]}")
            for n in session_counts:
                load_before = os.getloadavg()[0]
                with RSS(deployment.proc.pid) as rss:
                    deadline = time.monotonic() + row_s
                    result = asyncio.run(concurrent_sessions(deployment.port, n, PAGES, timeout=timeout, affinity=True,
                                                             deadline=deadline))
                row = summarise(result, n, replicas, row_s, rss, load_before, os.getloadavg()[0])
                rows.append(row)
                if on_row is not None:
                    on_row(rows)
                print(f"{n:>4} sessions, {replicas} replica(s): p50 {_fmt_s(row['p50_ms'])}, p95 {_fmt_s(row['p95_ms'])} "
                      f"(with cut {_fmt_s(row['p95_with_cut_ms'])}), first page p95 {_fmt_s(row['first_page_p95_ms'])}, "
                      f"{row['steps_rendered']}/{row['steps_planned']} steps ({row['steps_cut']} cut), errors {row['errors']}, "
                      f"same numbers {row['identical_numbers']}, peak RSS {row['peak_rss_mb']} MB, "
                      f"load {row['load_avg_1m_before']:.1f} -> {row['load_avg_1m_after']:.1f}, "
                      f"server CPU {row['server_cpu_s']} s ({row['server_cores_used']} cores), "
                      f"wall {row['wall_s']:.0f} s, spread {row['sessions_per_replica']}", flush=True)
                time.sleep(3)  # closed sessions are cleaned up before the next row
        finally:
            deployment.stop()
    return rows


def main(argv=None) -> int:
    import duckdb
    import streamlit

    from deploy.serve import missing_tools

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default=os.environ.get("MC2CM_DB", str(ROOT / "data" / "mc2cm.duckdb")))
    parser.add_argument("--ports", default="8080-8089",
                        help="the localhost port range nginx and the replicas may use (the free ones are taken)")
    parser.add_argument("--replicas", nargs="+", type=int, default=[1, 2, 4])
    parser.add_argument("--sessions", nargs="+", type=int, default=[50, 100, 200])
    parser.add_argument("--row-s", type=float, default=60.0, help="bound on each row's duration (seconds)")
    parser.add_argument("--run-dir", default="/tmp/mc2cm-bench-proxy")
    parser.add_argument("--out", default=str(RESULTS))
    parser.add_argument("--no-readme", action="store_true")
    args = parser.parse_args(argv)
    if missing_tools():
        print(f"missing Debian packages: {' '.join(missing_tools())} (make e2e-deps as root)", file=sys.stderr)
        return 2
    db = str(Path(args.db).resolve())
    first, _, last = args.ports.partition("-")
    import signal

    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))  # stop the deployment too
    meta = {"date": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "cpus": os.cpu_count(),
            "row_bound_s": args.row_s, "pages": PAGES, "python": platform.python_version(),
            "duckdb": duckdb.__version__, "streamlit": streamlit.__version__, "database": Path(db).name,
            "command": "python -m benchmarks.proxy " + " ".join(argv if argv is not None else sys.argv[1:])}

    def save(rows):
        meta["target"] = verdict(rows)
        Path(args.out).write_text(json.dumps({"meta": meta, "rows": rows}, indent=1) + "\n", encoding="utf-8")
        if not args.no_readme:
            write_readme(rows, meta)

    rows = bench(db, (int(first), int(last or first)), args.replicas, args.sessions, args.row_s, Path(args.run_dir),
                 on_row=save)
    save(rows)
    print(meta["target"].get("verdict", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
