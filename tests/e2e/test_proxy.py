"""The multi-process deployment of deploy/ (nginx + supervisord + 2 app replicas) under a replica
killed during load: every session ends with its view rendered and the same numbers, sessions
on the surviving replica see no error and no reconnection, the killed replica is restarted.

Sessions are the websocket clients of the benchmark (benchmarks/sessions.py) going through the
proxy as a browser does (page request, affinity cookie, websocket with the cookie)."""
from __future__ import annotations

import asyncio
import concurrent.futures
import os
import signal
import time

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SESSIONS = 20
PAGES = ["overview", "city", "compare"]


def _run(coroutine):
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="module")
def deployment(built_db, tmp_path_factory):
    from deploy.serve import Deployment, missing_tools

    if missing_tools():
        if os.environ.get("MC2CM_REQUIRE_E2E"):
            raise RuntimeError(f"{missing_tools()} required for the proxy tests (make e2e-deps)")
        pytest.skip(f"not installed: {missing_tools()}")
    run = tmp_path_factory.mktemp("deploy")
    served = Deployment(run, 2, str(built_db), nginx_user="root")
    try:
        served.start(timeout=90)
        yield served
    finally:
        served.stop()


def test_sessions_spread_over_replicas_by_cookie(deployment):
    from benchmarks.sessions import Session

    async def replicas():
        seen = []
        for _ in range(12):
            session = Session(deployment.port, affinity=True)
            await session._page_request()
            again = session.replica
            await session._page_request()  # with its cookie: the same replica again
            seen.append((again, session.replica))
        return seen

    seen = _run(replicas())
    assert all(first == second for first, second in seen), seen
    assert {first for first, _ in seen} == {f"127.0.0.1:{p}" for p in deployment.replica_ports}, seen


def test_replica_killed_during_load_sessions_recover(deployment):
    from benchmarks.sessions import concurrent_sessions

    victim = 0
    victim_addr = f"127.0.0.1:{deployment.replica_ports[victim]}"
    old_pid = deployment.pid(victim)
    loads, killed = [0], []

    async def on_step(index, page):
        loads[0] += 1
        if loads[0] == SESSIONS // 2 and not killed:  # half the first pages rendered: kill mid-load
            os.kill(old_pid, signal.SIGKILL)
            killed.append(time.time())

    start = time.time()
    result = _run(concurrent_sessions(deployment.port, SESSIONS, PAGES, timeout=90, affinity=True, on_step=on_step))
    assert killed, "the replica was not killed"
    assert result["errors"] == [], result["errors"][:5]
    assert len(result["times"]) == SESSIONS * 2 * len(PAGES)  # every step of every session rendered
    assert result["identical"], result["differing"]  # the same numbers, reconnected or not
    on_victim = [s for s in result["sessions"] if s["replicas"][0] == victim_addr]
    others = [s for s in result["sessions"] if s["replicas"][0] != victim_addr]
    assert on_victim and others
    assert all(s["reconnects"] == [] and s["errors"] == 0 for s in others), others
    assert any(s["reconnects"] for s in on_victim), on_victim
    assert all(victim_addr not in s["replicas"][1:] for s in on_victim if s["reconnects"]), "reconnected to the dead replica"
    deployment.wait_healthy(60, ports=[deployment.replica_ports[victim]])  # supervisord restarted it
    assert deployment.pid(victim) != old_pid
    print(f"20 sessions, replica killed at {killed[0] - start:.1f} s: {sum(bool(s['reconnects']) for s in on_victim)} of "
          f"{len(on_victim)} sessions reconnected; wall {result['wall_s']:.1f} s")


# --- a new data version published while serving ---------------------------------------------------
SWAP_SESSIONS = 10
SWAP_PAGES = ["overview", "city", "compare", "overview"]
# Every page run begun after the swap shows the new version (the run is pinned to the file found at
# its start: ui.data.begin_run), so the stated time is the replica's queue of runs already waiting:
# each replica, asked directly during the load, must render the new version within this time.
NEW_VERSION_WITHIN_S = 30.0


def _new_version(src, out):
    """A copy of the database with other numbers (every observation + 1) and its own data version."""
    import shutil

    import duckdb

    shutil.copy2(src, out)
    con = duckdb.connect(str(out))
    old = con.execute("SELECT data_version FROM build_info").fetchone()[0]
    new = "5ba9" + old[4:] if not old.startswith("5ba9") else "a11e" + old[4:]
    con.execute("UPDATE build_info SET data_version = ?", [new])
    con.execute("UPDATE observations SET value = value + 1")
    con.close()
    return old, new


@pytest.fixture(scope="module")
def swapping(built_db, tmp_path_factory):
    """2 replicas (deploy/) on their own copy of the database, and a second version of it beside."""
    import shutil

    from deploy.serve import Deployment, missing_tools

    if missing_tools():
        if os.environ.get("MC2CM_REQUIRE_E2E"):
            raise RuntimeError(f"{missing_tools()} required for the proxy tests (make e2e-deps)")
        pytest.skip(f"not installed: {missing_tools()}")
    data = tmp_path_factory.mktemp("swap-data")
    live = data / "mc2cm.duckdb"
    shutil.copy2(built_db, live)
    old, new = _new_version(live, data / "next.duckdb")
    served = Deployment(tmp_path_factory.mktemp("deploy-swap"), 2, str(live), nginx_user="root")
    try:
        served.start(timeout=90)
        yield {"deployment": served, "live": live, "next": data / "next.duckdb", "old": old, "new": new}
    finally:
        served.stop()


def _reference(port, versions):
    """The digest of every step (by its place in the session's walk) of a quiet pass of 2 sessions."""
    from benchmarks.sessions import concurrent_sessions

    result = _run(concurrent_sessions(port, 2, SWAP_PAGES, timeout=90, affinity=True, watch=versions))
    assert result["errors"] == [], result["errors"][:3]
    assert result["identical"], f"the two sessions (one per replica) saw different numbers: {result['differing']}"
    return [digest for _, _, _, digest, _, _ in result["sessions"][0]["shown"]]


async def _first_new_page(port, versions, new, swapped_at):
    """Seconds from the swap until the replica on ``port`` (asked directly) renders a page of ``new``."""
    from benchmarks.sessions import Session

    while True:
        session = Session(port, watch=versions)
        await session.open()
        try:
            await session.run("overview", timeout=60)
        finally:
            await session.close()
        if session.last_versions == (new,):
            return time.time() - swapped_at
        if time.time() - swapped_at > 60:
            return float("inf")
        await asyncio.sleep(0.2)


def test_new_data_version_while_serving_no_page_mixes_versions(swapping):
    """The database file is swapped (os.replace, as `analytics build` does) while 10 sessions run:
    every page shows the numbers of exactly one version (its charts name that version and its
    digest is that version's), no session sees an error, no page requested after the swap shows
    the old version, and each replica serves the new version within NEW_VERSION_WITHIN_S of the
    swap (no restart)."""
    from benchmarks.sessions import concurrent_sessions

    served, old, new = swapping["deployment"], swapping["old"], swapping["new"]
    versions = (old, new)
    # No warm-up pass before the swap: caches are cold, so queries are running on the replicas'
    # connections when the file is swapped (the condition of the earlier flaky failure).
    loads, swapped, polls = [0], [], []

    async def on_step(index, page):
        loads[0] += 1
        if loads[0] == SWAP_SESSIONS + SWAP_SESSIONS // 2 and not swapped:  # mid-run of the second page
            os.replace(swapping["next"], swapping["live"])
            swapped.append(time.time())
            polls.extend(asyncio.create_task(_first_new_page(port, versions, new, swapped[0]))
                         for port in served.replica_ports)  # each replica asked directly, during the load

    async def load():
        result = await concurrent_sessions(served.port, SWAP_SESSIONS, SWAP_PAGES, timeout=90, affinity=True,
                                           on_step=on_step, watch=versions)
        return result, await asyncio.gather(*polls)

    result, took = _run(load())
    assert swapped, "the file was not swapped"
    took = dict(zip(served.replica_ports, took))
    after = _reference(served.port, versions)  # a quiet pass on the new version
    assert result["errors"] == [], result["errors"][:5]
    steps = [step for session in result["sessions"] for step in session["shown"]]
    assert len(steps) == SWAP_SESSIONS * 2 * len(SWAP_PAGES)
    mixed = [(p, s, shown) for p, s, shown, _, _, _ in steps if len(shown) != 1]
    assert not mixed, mixed[:5]  # each page names one version, never both (nor none)
    by_step: dict = {}
    for session in result["sessions"]:
        for i, (p, s, shown, digest, _, _) in enumerate(session["shown"]):
            by_step.setdefault((i, shown[0]), set()).add(digest)
    wrong = {key: len(digests) for key, digests in by_step.items()
             if len(digests) > 1 or (key[1] == new and digests != {after[key[0]]})}
    assert not wrong, wrong  # a step shows one set of numbers per version: the new one's as in a quiet pass
    shown_new = [(start, end) for _, _, shown, _, start, end in steps if shown == (new,)]
    stale = [(round(start - swapped[0], 2), p, s) for p, s, shown, _, start, _ in steps
             if shown == (old,) and start > swapped[0]]
    assert shown_new and not stale, stale[:5]  # no page requested after the swap shows the old version
    assert all(t <= NEW_VERSION_WITHIN_S for t in took.values()), took
    before = sum(1 for _, _, shown, _, _, _ in steps if shown == (old,))
    print(f"swap at {swapped[0] - min(s for _, _, _, _, s, _ in steps):.1f} s into the load: {before} steps showed "
          f"{old}, {len(shown_new)} {new}, none mixed; each replica asked directly served {new} after "
          + ", ".join(f"{t:.2f} s" for t in took.values()) + f"; wall {result['wall_s']:.1f} s")
