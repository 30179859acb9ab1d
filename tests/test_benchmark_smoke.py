"""CI runs a 1x smoke of the benchmark harness (the full 1x/10x/100x run is `make bench`)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_smoke_1x():
    proc = subprocess.run([sys.executable, "-m", "benchmarks.run", "--scales", "1", "--quick"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "compare.compare_cities" in proc.stdout and "server overview" in proc.stdout
    committed = json.loads((ROOT / "benchmarks" / "results.json").read_text()) if (ROOT / "benchmarks" / "results.json").exists() else []
    for row in committed:
        assert {"name", "scale", "p50_ms", "p95_ms", "baseline_p95_ms", "ratio"} <= set(row)
