"""The app's start path stays light: the modules a page imports to open the data and run the
common analytics do not pull in pandera (validation, build only), PySAL (libpysal, esda:
spatial weights, imported inside the functions that need them) or numba."""
from __future__ import annotations

import json
import subprocess
import sys

from analytics.paths import PROJECT_ROOT

START_MODULES = ("analytics.db", "analytics.store", "analytics.compare", "analytics.profile")
HEAVY = ("pandera", "libpysal", "esda", "numba")


def _imported_after(modules) -> list[str]:
    code = ("import importlib, json, sys\n"
            f"for name in {list(modules)!r}: importlib.import_module(name)\n"
            f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {list(HEAVY)!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_start_path_does_not_import_heavy_packages():
    assert _imported_after(START_MODULES) == []


def test_the_check_sees_heavy_imports():
    """The same check flags the build's validation module (which does import pandera)."""
    assert "pandera" in _imported_after(["analytics.validate"])
