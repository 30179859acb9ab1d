"""What users wait for: every page and its main filter change, on the server (AppTest) and in
headless Chromium (Playwright), cold and warm; peak server RSS; cold start; concurrent sessions.

Timings
-------
server (AppTest)
    ``AppTest.run()`` of the whole script (app.py + the page), in one process per scale: the
    first run of a page is "cold" (empty ``st.cache_data``), later runs (a new AppTest = a new
    session, caches warm) are "warm". The filter change is one widget change and rerun.
browser
    ``streamlit run app.py`` on a free localhost port; Chromium (``/usr/bin/chromium --headless
    --no-sandbox --disable-gpu --disable-background-networking``) opens ``/<page>``. Two times:
    ``script`` = until the server's ``script_finished`` message reaches the page (ForwardMsg on
    the websocket), ``drawn`` = until, in addition, no status widget is shown and every visible
    plotly chart has its svg/canvas drawn. Cold = the first visit of a page after the server
    started; warm = later visits (fresh sessions). Server CPU seconds (psutil, the server
    process tree) are recorded per visit.
concurrency
    N sessions as websocket clients speaking Streamlit's protocol (benchmarks/sessions.py), each
    over 5 pages with a filter change (bounded: one pass), time from request to the server's
    ``script_finished``; meanwhile one real Chromium tab visits the same pages (what a user in a
    browser waits for under that load). Errors, p95, and whether every session saw the same
    numbers: a SHA-256 of every plotly chart's spec and metric value after each step.
filter changes (server)
    ``filter_warm``: the same change again in a new session (the view was built before: reused);
    ``filter_new``: each run changes to another value never shown before in the process (the
    view is built: analytics and figure), where the filter has enough values.
"""
from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PAGES = ["overview", "city", "compare", "spatial", "origins", "themes", "explorer", "coverage", "methods"]
# page -> (URL / widget key of the main filter, widget kind, English label in the browser)
FILTERS = {
    "overview": ("cities", "multiselect", "Cities"),
    "city": ("city", "selectbox", "City"),
    "compare": ("indicator", "selectbox", "Indicator"),
    "spatial": ("map", "segmented", None),
    "origins": ("city", "selectbox", "City"),
    "themes": ("cities", "multiselect", "Cities"),
    "explorer": ("cities", "multiselect", "Cities"),
    "coverage": ("cities", "multiselect", "Cities"),
    "methods": None,
}
CONCURRENT_PAGES = ["overview", "city", "compare", "spatial", "explorer"]


def pct(values, q):
    return float(np.percentile(values, q)) if len(values) else None


def row(name, scale, samples=None, **extra):
    """A results.json row (same keys as benchmarks/run.py's)."""
    out = {"name": name, "scale": scale, "p50_ms": pct(samples, 50) if samples else None,
           "p95_ms": pct(samples, 95) if samples else None, "baseline_p95_ms": None, "ratio": None}
    if samples:
        out["n"] = len(samples)
    out.update(extra)
    return out


# ------------------------------------------------------------------------------ AppTest (server)
APPTEST_SCRIPT = r"""
import cProfile, json, os, pstats, sys, time, io
sys.path.insert(0, {root!r})
os.environ['MC2CM_DB'] = {db!r}
from streamlit.testing.v1 import AppTest
import functools
from streamlit.components.v2 import manifest_scanner
# A new AppTest scans every installed package for components (~0.4 s); a server does it once at
# start, so the scan is done once here too and every timed run is the script run alone.
manifest_scanner.scan_component_manifests = functools.cache(manifest_scanner.scan_component_manifests)
PAGES, FILTERS, RUNS, FIRST_CITY = {pages!r}, {filters!r}, {runs!r}, {first_city!r}
PROFILE_DIR = {profile_dir!r}
WRAPPER = {wrapper!r}

def widget(at, key, kind):
    group = {{'selectbox': at.selectbox, 'multiselect': at.multiselect, 'segmented': at.segmented_control}}[kind]
    for w in group:
        if (w.key or '').startswith(f'w:{{key}}:'):
            return w
    raise LookupError(f'no {{kind}} for {{key}}')

def change(at, page, step=0):
    # step 0: the same change every time; step k: the k-th other value (a view not built before)
    key, kind, _ = FILTERS[page]
    w = widget(at, key, kind)
    if kind == 'selectbox':
        w.select_index((w.index + 1 + step) % len(w.options))
    elif kind == 'multiselect':
        value = list(w.value)
        at.session_state[w.key] = [v for i, v in enumerate(value) if i != (len(value) - 1 - step) % len(value)] \
            if len(value) > 1 else [FIRST_CITY]
    else:
        kinds = ['lq', 'lisa', 'share']
        at.session_state[w.key] = kinds[step % 3] if kinds[step % 3] != w.value else kinds[(step + 1) % 3]

def new(page, script):
    at = AppTest.from_file(script, default_timeout=600)
    if page != 'overview':
        at.switch_page(f'views/{{page}}.py')
    return at

def timed_run(at):
    start = time.perf_counter(); at.run(); ms = (time.perf_counter() - start) * 1000
    if at.exception:
        raise RuntimeError(f'exception: {{at.exception[0].message[:300]}}')
    return ms

out = {{}}
for page in PAGES:
    rec = {{'warm': [], 'filter_warm': []}}
    try:
        at = new(page, {app!r})
        rec['cold'] = timed_run(at)
        if FILTERS[page]:
            change(at, page); rec['filter_cold'] = timed_run(at)
        slow = rec['cold'] > 30000  # a page that takes minutes at 100x: 2 warm runs, say so
        if slow:
            rec['runs_cut'] = 2
        for _ in range(2 if slow else RUNS):
            at = new(page, {app!r})
            rec['warm'].append(timed_run(at))
            if FILTERS[page]:
                change(at, page); rec['filter_warm'].append(timed_run(at))
        rec['filter_new'] = []
        for step in range(1, (2 if slow else RUNS) + 1) if FILTERS[page] else ():
            at = new(page, {app!r})
            timed_run(at)
            change(at, page, step); rec['filter_new'].append(timed_run(at))
        if PROFILE_DIR:
            for step in ('page', 'filter'):
                if step == 'filter' and (not FILTERS[page] or slow):
                    continue
                at = new(page, WRAPPER)
                target = os.path.join(PROFILE_DIR, f'{{page}}_{{step}}.prof')
                os.environ['BENCH_PROFILE_OUT'] = target if step == 'page' else os.devnull + '.none'
                at.run()
                if step == 'filter':
                    os.environ['BENCH_PROFILE_OUT'] = target
                    change(at, page); at.run()
                os.environ.pop('BENCH_PROFILE_OUT', None)
    except Exception as error:  # noqa: BLE001 - recorded, the run goes on
        rec['error'] = f'{{type(error).__name__}}: {{error}}'[:500]
    out[page] = rec
    print(page, json.dumps(rec), file=sys.stderr, flush=True)
import resource
out['maxrss_mb'] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""

WRAPPER_CODE = """# generated by benchmarks/pages.py for profiling (deleted after the run)
import cProfile, os, runpy
_out = os.environ.get('BENCH_PROFILE_OUT')
_prof = cProfile.Profile() if _out and not _out.endswith('.none') else None
if _prof: _prof.enable()
try:
    runpy.run_path({app!r}, run_name='__main__')
finally:
    if _prof:
        _prof.disable(); _prof.dump_stats(_out)
"""


def first_city(db_path) -> str:
    import duckdb

    con = duckdb.connect(str(db_path), read_only=True)
    try:
        return con.execute("SELECT min(city_id) FROM cities").fetchone()[0]
    finally:
        con.close()


def bench_apptest(scale, db_path, runs, results, profile_dir: Path | None = None, pages=PAGES, budget_s=3600):
    """Server time of every page and its filter change (AppTest), cold and warm; optional cProfile."""
    wrapper = ROOT / "_bench_profiled_app.py"
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
        wrapper.write_text(WRAPPER_CODE.format(app=str(ROOT / "app.py")), encoding="utf-8")
    script = APPTEST_SCRIPT.format(root=str(ROOT), db=str(db_path), pages=list(pages), filters=FILTERS, runs=runs,
                                   first_city=first_city(db_path), profile_dir=str(profile_dir) if profile_dir else "",
                                   wrapper=str(wrapper), app=str(ROOT / "app.py"))
    try:
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=budget_s,
                              env=dict(os.environ, MC2CM_DB=str(db_path)))
        stdout, stderr, failed = proc.stdout, proc.stderr, proc.returncode != 0
    except subprocess.TimeoutExpired as expired:  # keep the pages that finished within the budget
        def text(v):
            return v.decode() if isinstance(v, bytes) else (v or "")
        stdout, stderr, failed = "", text(expired.stderr), True
    finally:
        wrapper.unlink(missing_ok=True)
    if failed:
        data = {}
        for line in stderr.splitlines():
            name, _, rest = line.partition(" ")
            if name in pages and rest.startswith("{"):
                data[name] = json.loads(rest)
        if not data:
            raise RuntimeError(stderr[-3000:])
        data["maxrss_mb"] = None
    else:
        data = json.loads(stdout.strip().splitlines()[-1])
    for page in pages:
        if page not in data:
            results.append(row(f"server.{page}", scale, error=f"not run: over the time budget of {budget_s} s"))
            continue
        rec = data[page]
        extra = {k: rec[k] for k in ("error", "runs_cut") if k in rec}
        results.append(row(f"server.{page}", scale, rec["warm"], cold_ms=rec.get("cold"), **extra))
        if FILTERS[page]:
            results.append(row(f"server.{page}.filter:{FILTERS[page][0]}", scale, rec["filter_warm"],
                               cold_ms=rec.get("filter_cold"), **extra))
            results.append(row(f"server.{page}.filter_new:{FILTERS[page][0]}", scale, rec.get("filter_new") or None, **extra))
        print(f"{scale:>4}x server {page:9s} cold {rec.get('cold') or 0:8.0f}  warm p95 {pct(rec['warm'], 95) or 0:8.0f}  "
              f"filter p95 {pct(rec['filter_warm'], 95) or 0:8.0f}  new value p95 {pct(rec.get('filter_new') or [], 95) or 0:8.0f} ms "
              f"{extra.get('error', '')}", flush=True)
    results.append(row("server.apptest_process_peak_rss_mb", scale, value=data["maxrss_mb"]))
    return data


def summarise_profiles(profile_dir: Path, top: int = 18) -> dict:
    """Per page: the project's functions by cumulative time and the heaviest functions overall."""
    import pstats

    summary = {}
    for path in sorted(profile_dir.glob("*.prof")):
        stats = pstats.Stats(str(path))
        total = max(v[3] for v in stats.stats.values())
        own, heavy = [], []
        for (file, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():
            rel = file.replace(str(ROOT) + "/", "")
            entry = {"function": f"{rel}:{line}:{func}", "cum_ms": round(ct * 1000, 1), "self_ms": round(tt * 1000, 1),
                     "calls": nc}
            if rel.split("/")[0] in ("views", "ui", "figures", "analytics", "i18n") or rel == "app.py":
                own.append(entry)
            heavy.append(entry)
        summary[path.stem] = {
            "total_ms": round(total * 1000, 1),
            "project_by_cumulative": sorted(own, key=lambda e: -e["cum_ms"])[:top],
            "all_by_self": sorted(heavy, key=lambda e: -e["self_ms"])[:top]}
    return summary


# ------------------------------------------------------------------------------ browser
DRAWN_JS = """(expected) => {
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  if (!document.querySelector('[data-testid="stMain"] h1')) return false;
  const drawn = [...document.querySelectorAll('.js-plotly-plot')].filter(g => g.querySelector('.main-svg, canvas')).length;
  return drawn >= expected;
}"""
COUNTS_JS = """() => ({nodes: document.getElementsByTagName('*').length,
  charts: document.querySelectorAll('.js-plotly-plot').length,
  exceptions: document.querySelectorAll('[data-testid="stException"]').length})"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``streamlit run app.py`` on localhost with a psutil sampler of the process tree's RSS."""

    def __init__(self, db_path):
        import psutil

        self.port = free_port()
        self.started = time.perf_counter()
        env = dict(os.environ, MC2CM_DB=str(db_path))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port), "--server.address",
             "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self.ps = psutil.Process(self.proc.pid)
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _tree(self):
        try:
            return [self.ps, *self.ps.children(recursive=True)]
        except Exception:  # noqa: BLE001 - process gone
            return []

    def _sample(self):
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, self.rss_mb())
            time.sleep(0.2)

    def rss_mb(self) -> float:
        total = 0
        for p in self._tree():
            try:
                total += p.memory_info().rss
            except Exception:  # noqa: BLE001
                pass
        return total / 2**20

    def cpu_s(self) -> float:
        total = 0.0
        for p in self._tree():
            try:
                t = p.cpu_times()
                total += t.user + t.system
            except Exception:  # noqa: BLE001
                pass
        return total

    def wait_port(self, timeout=120):
        end = time.time() + timeout
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.5).close()
                return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("server did not open its port")

    def url(self, page):
        return f"http://127.0.0.1:{self.port}/{'' if page == 'overview' else page}"

    def stop(self):
        self._stop.set()
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()


class Tab:
    """One browser page; counts the server's script_finished messages on its websocket."""

    one_city = ""

    def __init__(self, page):
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self.page = page
        self.finished = 0
        self.early = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_EARLY_FOR_RERUN")

        self.charts_in_run = 0
        self.expected_charts = 0

        def on_frame(payload):
            if not isinstance(payload, (bytes, bytearray)):
                return
            try:
                msg = ForwardMsg.FromString(bytes(payload))
            except Exception:  # noqa: BLE001 - not a ForwardMsg
                return
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.charts_in_run = 0
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                    and msg.delta.new_element.WhichOneof("type") == "plotly_chart":
                self.charts_in_run += 1
            elif kind == "script_finished" and msg.script_finished != self.early:
                self.expected_charts = self.charts_in_run
                self.finished += 1

        page.on("websocket", lambda ws: ws.on("framereceived", on_frame))

    async def wait_finished(self, seen, timeout):
        end = time.perf_counter() + timeout
        while self.finished <= seen:
            if time.perf_counter() > end:
                raise TimeoutError("no script_finished")
            await asyncio.sleep(0.01)

    async def visit(self, url, timeout):
        seen, start = self.finished, time.perf_counter()
        await self.page.goto(url, wait_until="commit", timeout=timeout * 1000)
        await self.wait_finished(seen, timeout)
        script = (time.perf_counter() - start) * 1000
        await self.page.wait_for_function(DRAWN_JS, arg=self.expected_charts, timeout=timeout * 1000, polling=50)
        return script, (time.perf_counter() - start) * 1000

    async def change(self, page_name, timeout):
        key, kind, label = FILTERS[page_name]
        main = self.page.locator('[data-testid="stMain"]')
        seen, start = self.finished, time.perf_counter()
        if kind == "selectbox":
            box = main.locator('[data-testid="stSelectbox"]').filter(has_text=label).first
            await box.click()
            option = self.page.locator('[role="option"]:not([aria-selected="true"])').first
            await option.wait_for(timeout=timeout * 1000)
            start = time.perf_counter()
            await option.click()
        elif kind == "multiselect":  # URL-bound: the link with one city selected (a new session)
            start = time.perf_counter()
            await self.page.goto(f"{self.page.url.split('?')[0]}?{key}={self.one_city}", wait_until="commit",
                                 timeout=timeout * 1000)
        else:
            buttons = main.locator('[data-testid="stButtonGroup"]').first.locator("button")
            start = time.perf_counter()
            await buttons.nth(1).click()
        await self.wait_finished(seen, timeout)
        script = (time.perf_counter() - start) * 1000
        await self.page.wait_for_function(DRAWN_JS, arg=self.expected_charts, timeout=timeout * 1000, polling=50)
        return script, (time.perf_counter() - start) * 1000


async def _browser_scale(scale, db_path, runs, results, timeout, pages, concurrency, on_page=None):
    from playwright.async_api import async_playwright

    server = Server(db_path)
    Tab.one_city = first_city(db_path)
    out = {}
    try:
        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = await browser.new_context(viewport={"width": 1440, "height": 900})
            # cold start: process start to the first page drawn
            server.wait_port()
            tab = Tab(await context.new_page())
            start_script, start_drawn = await tab.visit(server.url("overview"), timeout)
            cold_start = (time.perf_counter() - server.started) * 1000
            results.append(row("browser.cold_start_to_first_page_drawn_ms", scale, [cold_start], value=cold_start))
            print(f"{scale:>4}x cold start to first page drawn {cold_start:.0f} ms", flush=True)
            await tab.page.close()
            for page in pages:
                rec = {"cold": None, "warm_script": [], "warm": [], "filter_script": [], "filter": [], "cpu_s": [],
                       "filter_cpu_s": []}
                try:
                    for i in range(runs + 1):
                        tab = Tab(await context.new_page())
                        cpu = server.cpu_s()
                        script, drawn = await tab.visit(server.url(page), timeout)
                        cpu_page = server.cpu_s() - cpu
                        counts = await tab.page.evaluate(COUNTS_JS)
                        if counts["exceptions"]:
                            rec["error"] = f"{counts['exceptions']} exception(s) on the page"
                        if i == 0:
                            rec.update(cold=drawn, cold_script=script, dom_nodes=counts["nodes"], charts=counts["charts"])
                        else:
                            rec["warm_script"].append(script)
                            rec["warm"].append(drawn)
                            rec["cpu_s"].append(cpu_page)
                        if FILTERS[page]:
                            cpu = server.cpu_s()
                            fs, fd = await tab.change(page, timeout)
                            if i == 0:
                                rec.update(filter_cold=fd)
                            else:
                                rec["filter_script"].append(fs)
                                rec["filter"].append(fd)
                                rec["filter_cpu_s"].append(server.cpu_s() - cpu)
                        await tab.page.close()
                        if rec["cold"] and rec["cold"] > 30000 and i >= 2:  # slow page at 100x: fewer runs
                            rec["runs_cut"] = i
                            break
                except Exception as error:  # noqa: BLE001
                    rec["error"] = f"{type(error).__name__}: {str(error)[:300]}"
                    try:
                        await tab.page.close()
                    except Exception:  # noqa: BLE001
                        pass
                extra = {k: rec[k] for k in ("error", "dom_nodes", "charts", "runs_cut") if k in rec}
                results.append(row(f"browser.{page}", scale, rec["warm"], cold_ms=rec["cold"],
                                   script_p95_ms=pct(rec["warm_script"], 95),
                                   server_cpu_ms_p50=pct([c * 1000 for c in rec["cpu_s"]], 50), **extra))
                if FILTERS[page]:
                    results.append(row(f"browser.{page}.filter:{FILTERS[page][0]}", scale, rec["filter"],
                                       cold_ms=rec.get("filter_cold"), script_p95_ms=pct(rec["filter_script"], 95),
                                       server_cpu_ms_p50=pct([c * 1000 for c in rec["filter_cpu_s"]], 50),
                                       **({"error": rec["error"]} if "error" in rec else {})))
                print(f"{scale:>4}x browser {page:9s} cold {rec['cold'] or 0:8.0f}  warm p95 {pct(rec['warm'], 95) or 0:8.0f} "
                      f"(script {pct(rec['warm_script'], 95) or 0:7.0f})  filter p95 {pct(rec['filter'], 95) or 0:8.0f} ms  "
                      f"nodes {rec.get('dom_nodes')}  rss {server.rss_mb():.0f} MB {rec.get('error', '')}", flush=True)
                out[page] = rec
                if on_page:
                    on_page()
            results.append(row("browser.server_peak_rss_mb", scale, value=server.peak_mb,
                               note="sum of RSS over the streamlit process tree (psutil, sampled every 0.2 s) while "
                                    "every page and filter change was visited"))
            print(f"{scale:>4}x server peak RSS after every page: {server.peak_mb:.0f} MB", flush=True)
            await context.close()
            for n in concurrency:
                await _concurrent(browser, server, n, scale, results, timeout)
            await browser.close()
    finally:
        server.stop()
    return out


async def _concurrent(browser, server, n, scale, results, timeout):
    """``n`` concurrent sessions as websocket clients (benchmarks/sessions.py), each one pass over
    CONCURRENT_PAGES with a filter change; meanwhile one real Chromium tab visits the same pages,
    so the table also says what a user in a browser waits for under that load."""
    from benchmarks.sessions import concurrent_sessions

    before = server.peak_mb
    server.peak_mb = server.rss_mb()
    context = await browser.new_context(viewport={"width": 1440, "height": 900})
    browser_times, browser_errors = [], []

    async def one_user():
        tab = Tab(await context.new_page())
        for page in CONCURRENT_PAGES:
            try:
                _, drawn = await tab.visit(server.url(page), timeout)
                browser_times.append(drawn)
            except Exception as error:  # noqa: BLE001
                browser_errors.append(f"browser {page}: {type(error).__name__}: {str(error)[:200]}")
        await tab.page.close()

    cpu = server.cpu_s()
    summary, _ = await asyncio.gather(concurrent_sessions(server.port, n, CONCURRENT_PAGES, timeout), one_user())
    cpu = server.cpu_s() - cpu
    times, errors = summary["times"], summary["errors"] + browser_errors
    results.append(row(f"concurrent.{n}_sessions", scale, times, errors=len(errors), error_examples=errors[:3],
                       identical_numbers=summary["identical"], differing_steps=summary["differing"],
                       steps_compared=summary["steps_compared"], wall_s=summary["wall_s"], server_cpu_s=cpu,
                       server_peak_rss_mb=server.peak_mb, pages=CONCURRENT_PAGES,
                       browser_p95_ms=pct(browser_times, 95), browser_p50_ms=pct(browser_times, 50),
                       client="websocket sessions (benchmarks/sessions.py) + one Chromium tab"))
    print(f"{scale:>4}x {n} sessions: {len(times)} page/filter times, p50 {pct(times, 50) or 0:.0f} p95 {pct(times, 95) or 0:.0f} ms, "
          f"browser tab p95 {pct(browser_times, 95) or 0:.0f} ms, errors {len(errors)}, identical {summary['identical']} "
          f"{summary['differing']}, wall {summary['wall_s']:.0f} s, server CPU {cpu:.0f} s, peak RSS {server.peak_mb:.0f} MB",
          flush=True)
    server.peak_mb = max(before, server.peak_mb)
    await context.close()


def bench_replicas(db_path, results, sessions=(20, 50), processes=(1, 2), timeout=300):
    """Concurrent websocket sessions (no browser) on one app process and on several processes
    serving the same read-only database, sessions split between them as a load balancer with
    sticky sessions does (docs/scaling.md). Every process first serves each view once."""
    from benchmarks.sessions import concurrent_sessions

    for count in processes:
        servers = [Server(db_path) for _ in range(count)]
        try:
            for server in servers:
                server.wait_port()
            ports = [server.port for server in servers]
            for port in ports:
                asyncio.run(concurrent_sessions(port, 1, CONCURRENT_PAGES, timeout))
            for n in sessions:
                r = asyncio.run(concurrent_sessions(ports, n, CONCURRENT_PAGES, timeout))
                name = f"concurrent.{n}_sessions_{count}_process{'es' if count > 1 else ''}"
                results.append(row(name, 1, r["times"], errors=len(r["errors"]), error_examples=r["errors"][:3],
                                   identical_numbers=r["identical"], differing_steps=r["differing"], wall_s=r["wall_s"],
                                   server_peak_rss_mb=sum(server.peak_mb for server in servers), pages=CONCURRENT_PAGES,
                                   client=f"websocket sessions only, {count} app process(es), sessions split between them"))
                print(f"   1x {n} sessions on {count} process(es): p95 {pct(r['times'], 95):.0f} ms, errors {len(r['errors'])}, "
                      f"identical {r['identical']}", flush=True)
        finally:
            for server in servers:
                server.stop()


def bench_browser(scale, db_path, runs, results, timeout=300, pages=PAGES, concurrency=(), on_page=None):
    if not Path(CHROMIUM).exists():
        print("no /usr/bin/chromium: browser benchmarks skipped", flush=True)
        return None
    return asyncio.run(_browser_scale(scale, db_path, runs, results, timeout, pages, concurrency, on_page))


def speed_table(results) -> str:
    """The README "Speed" table: each page and filter change, warm p95 in the browser and on the
    server at 1x, 10x and 100x (filter "new value": a view not built before in the process)."""
    by = {(r["name"], r["scale"]): r for r in results}

    def cell(name, scale):
        r = by.get((name, scale))
        if not r:
            return "not run"
        if r.get("error") and not r.get("p95_ms"):
            return "error"
        return f"{r['p95_ms'] / 1000:.2f} s" if r.get("p95_ms") is not None else "-"

    scales = (1, 10, 100)
    lines = ["| page (and filter change) | " + " | ".join(f"{s}x browser" for s in scales) + " | "
             + " | ".join(f"{s}x server" for s in scales) + " |", "|---" * (1 + 2 * len(scales)) + "|"]
    for page in PAGES:
        steps = [("", page, page)]
        if FILTERS[page]:
            key = FILTERS[page][0]
            steps += [(f" → {key}", f"{page}.filter:{key}", f"{page}.filter:{key}"),
                      (f" → {key} (new value)", None, f"{page}.filter_new:{key}")]
        for suffix, browser_key, server_key in steps:
            cells = [cell("browser." + browser_key, s) if browser_key else "" for s in scales]
            cells += [cell("server." + server_key, s) for s in scales]
            lines.append(f"| {page}{suffix} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets_table(results) -> str:
    """Every figure of the issue's targets against this run (markdown), for ANALYSIS.md."""
    by = {(r["name"], r["scale"]): r for r in results}
    get = lambda name, scale, key="p95_ms": (by.get((name, scale)) or {}).get(key)  # noqa: E731
    ms = lambda v: "n/a" if v is None else f"{v:,.0f} ms"  # noqa: E731
    lines = ["| target | page / item | 1x | 100x | ratio 100x/1x | verdict |", "|---|---|---|---|---|---|"]
    for page in PAGES:
        a, b = get(f"server.{page}", 1), get(f"server.{page}", 100)
        ratio = b / a if a and b else None
        ok = ratio is not None and ratio <= 1.5 and b <= 500
        lines.append(f"| warm server p95 <= 500 ms at 100x and <= 1.5x 1x | {page} | {ms(a)} | {ms(b)} | "
                     f"{'n/a' if ratio is None else f'{ratio:.1f}x'} | {'not run' if b is None else ('met' if ok else 'missed')} |")
    for page in PAGES:
        if not FILTERS[page]:
            continue
        for kind, label in (("filter", ""), ("filter_new", " (new value)")):
            name = f"server.{page}.{kind}:{FILTERS[page][0]}"
            a, b = get(name, 1), get(name, 100)
            lines.append(f"| filter change server p95 <= 300 ms at 100x | {page} → {FILTERS[page][0]}{label} | {ms(a)} | {ms(b)} | "
                         f"{'n/a' if not (a and b) else f'{b / a:.1f}x'} | {'not run' if b is None else ('met' if b <= 300 else 'missed')} |")
    a, b = get("browser.server_peak_rss_mb", 1, "value"), get("browser.server_peak_rss_mb", 100, "value")
    lines.append(f"| peak server RSS <= 400 MB at 1x, <= 1 GB at 100x | every page visited | "
                 f"{'n/a' if a is None else f'{a:,.0f} MB'} | {'n/a' if b is None else f'{b:,.0f} MB'} | | "
                 f"1x {'met' if a and a <= 400 else 'missed'}, 100x {'met' if b and b <= 1024 else 'missed'} |")
    c = get("browser.cold_start_to_first_page_drawn_ms", 1, "value")
    lines.append(f"| cold start to first page drawn <= 3 s at 1x | overview | {ms(c)} | | | "
                 f"{'met' if c and c <= 3000 else 'missed'} |")
    for n in (20, 50):
        r = by.get((f"concurrent.{n}_sessions", 1))
        if r:
            if "errors" not in r:
                lines.append(f"| {n} sessions: no error, same numbers, p95 <= 3 s | 5 pages + filter each | {r.get('error')} | | | not run |")
                continue
            ok = r["errors"] == 0 and r["identical_numbers"] and (r["p95_ms"] or 1e9) <= 3000
            lines.append(f"| {n} sessions: no error, same numbers, p95 <= 3 s | 5 pages + filter each | p95 {ms(r['p95_ms'])}, "
                         f"errors {r['errors']}, identical {r['identical_numbers']}; a browser tab meanwhile: p95 "
                         f"{ms(r.get('browser_p95_ms'))} | | | {'met' if ok else 'missed'} |")
    for name in ("compare.compare_cities", "compare.timeseries[one city]", "spatial.segregation_indices",
                 "spatial.segregation_indices[permutations=0]"):
        cells = []
        for scale in (1, 100):
            ratio, ours, select = get(name, scale, "select_ratio"), get(name, scale), get(name, scale, "duckdb_select_p95_ms")
            cells.append("n/a" if ratio is None else f"{ratio:.1f}x ({ours:.0f} vs {select:.0f} ms)")
        ok = all(c != "n/a" and float(c.split("x")[0]) <= 3 for c in cells)
        lines.append(f"| within 3x of one DuckDB SELECT | {name} | {cells[0]} | {cells[1]} | | {'met' if ok else 'missed'} |")
    return "\n".join(lines)
