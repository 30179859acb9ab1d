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
