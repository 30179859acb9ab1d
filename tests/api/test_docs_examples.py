"""docs/api.md's examples run: the curl lines and the pandas block against a live server of the
API (uvicorn on a free local port); the R block where Rscript is installed."""
from __future__ import annotations

import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"
DOC_BASE = "http://127.0.0.1:8501"


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


@pytest.fixture(scope="module")
def live(built_db):
    import os

    import uvicorn

    import api

    os.environ["MC2CM_DB"] = str(built_db)
    server = uvicorn.Server(uvicorn.Config(api.asgi_app(), host="127.0.0.1", port=0, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(5)


def test_the_docs_have_curl_pandas_and_r_examples():
    assert _blocks("bash") and _blocks("python") and _blocks("r")


def test_curl_examples_answer(live, tmp_path):
    lines = [line for block in _blocks("bash") for line in block.splitlines() if line.startswith("curl")]
    assert len(lines) >= 3
    for line in lines:
        if "chart/" in line and not shutil.which("chromium"):
            continue  # images need Chromium (tests/api/test_images.py)
        command = line.replace(DOC_BASE, live).replace(" -s ", " -s -f ")
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (command, done.stderr)


def test_pandas_example_runs(live, capsys):
    for block in _blocks("python"):
        exec(compile(block.replace(DOC_BASE, live), str(DOC), "exec"), {})
    out = capsys.readouterr().out
    assert "data_version" in out and "Madrid" in out


@pytest.mark.skipif(not shutil.which("Rscript"), reason="R is not installed")
def test_r_example_runs(live):
    for block in _blocks("r"):
        done = subprocess.run(["Rscript", "-e", block.replace(DOC_BASE, live)], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
