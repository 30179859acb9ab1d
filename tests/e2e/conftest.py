"""Fixtures of the end-to-end tests: one Streamlit server and one headless Chromium for the
whole session (Debian's /usr/bin/chromium driven by Playwright), and axe-core installed
from the npm registry into ``tests/e2e/.axe`` (git-ignored) when it is missing.

The tests are marked ``e2e`` and ``slow``: ``pytest -m "not slow"`` leaves them out.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
AXE_DIR = HERE / ".axe"
AXE_JS = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
AXE_SPEC = "axe-core@4"


def _require(what: str) -> None:
    """Skip (or, under ``MC2CM_REQUIRE_E2E``, as in CI, fail) when a browser-test dependency is missing."""
    if os.environ.get("MC2CM_REQUIRE_E2E"):
        raise RuntimeError(f"{what} is required for the end-to-end tests (make e2e-deps)")
    pytest.skip(f"{what} not available")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(built_db):
    """``streamlit run app.py`` on a free loopback port, on the session's built database."""
    if not Path(CHROMIUM).exists():
        _require(CHROMIUM)
    port = int(os.environ.get("MC2CM_E2E_PORT") or _free_port())  # a fixed port where the machine's rules ask for one
    env = dict(os.environ, MC2CM_DB=str(built_db))
    log = (HERE / "screenshots")
    log.mkdir(exist_ok=True)
    out = open(log / "streamlit.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
                             "--server.address", "127.0.0.1", "--server.headless", "true",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited with {proc.returncode}; see {log / 'streamlit.log'}")
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("streamlit did not start within 60 s")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
    out.close()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; each test opens its own context (fresh cookies and storage)."""
    if not Path(CHROMIUM).exists():
        _require(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                                    "--disable-dev-shm-usage"])
        yield b
        b.close()


@pytest.fixture(scope="session")
def axe_js() -> Path:
    """axe-core's script, installed from the npm registry on first use (``npm install --prefix tests/e2e/.axe``)."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            _require("npm (to install axe-core)")
        result = subprocess.run([npm, "install", "--prefix", str(AXE_DIR), "--no-audit", "--no-fund",
                                 "--loglevel=error", AXE_SPEC], capture_output=True, text=True, timeout=300)
        if result.returncode != 0 or not AXE_JS.exists():
            _require(f"axe-core from npm ({result.stderr.strip()[-300:]})")
    return AXE_JS
