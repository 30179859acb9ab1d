"""The six one-line bugs of issue 24, each applied to a scratch copy of the checkout, and the
fast tests that fail on it (a bug no fast test catches makes this script exit 1).

    python tests/mutation/known_bugs.py            # all six (about 1-2 min of CPU each)
    python tests/mutation/known_bugs.py grace      # one

The tests run are the fast ones (``-m "not slow"``) of the folders that cover the changed code.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRATCH = Path(os.environ.get("MC2CM_BUGS_DIR", "/tmp/mc2cm-known-bugs"))
FAST = ["tests/promises", "tests/unit/test_analytics.py", "tests/unit/test_export.py", "tests/unit/test_export_area_counts.py",
        "tests/unit/test_segregation_indices.py", "tests/figures", "tests/unit/test_page_charts.py"]

# name -> (file, original text, buggy text)
BUGS = {
    "territory_rules": ("analytics/rules.py", '"comparable": not (concept_differs or level_differs or indicator_differs)',
                        '"comparable": not (concept_differs or indicator_differs)'),
    "territory_compare": ("analytics/compare.py",
                          'out["comparable"] = have & ~out.concept_differs & ~out.geo_level_differs & ~out.indicator_differs',
                          'out["comparable"] = have & ~out.concept_differs & ~out.indicator_differs'),
    "bar_colour": ("figures/compare.py", "colours.append(CATEGORICAL[0] if r.comparable else NOT_COMPARABLE)",
                   "colours.append(CATEGORICAL[0])"),
    "moran_one_sided": ("analytics/spatial.py",
                        "larger = (sims >= observed).sum() if observed >= expected else (sims <= observed).sum()",
                        "larger = (sims >= observed).sum()"),
    "query_sql_order": ("analytics/export.py", "    sql, params = _query(dataset, filters)\n    pieces = sql.split",
                        "    sql, params = _query(dataset, filters, ordered=False)\n    pieces = sql.split"),
    "lisa_swapped": ("analytics/spatial.py", '["High-High", "Low-Low", "High-Low", "Low-High"], "Not significant")',
                     '["High-High", "Low-Low", "Low-High", "High-Low"], "Not significant")'),
    "grace": ("analytics/rules.py", "THEN 0 ELSE {OFFICIAL_GRACE_YEARS} END", "THEN 0 ELSE 0 END"),
}


def _copy() -> Path:
    base = SCRATCH / "base"
    if not base.exists():
        files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
        for name in files:
            target = base / name
            target.parent.mkdir(parents=True, exist_ok=True)
            if (ROOT / name).is_file():
                shutil.copy2(ROOT / name, target)
    return base


def run(name: str, env: dict) -> list[str]:
    path, original, buggy = BUGS[name]
    work = SCRATCH / name
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(_copy(), work)
    text = (work / path).read_text()
    assert text.count(original) == 1, f"{name}: the line to break is not in {path} any more"
    (work / path).write_text(text.replace(original, buggy))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "not slow", "-p", "no:cacheprovider", "-p", "no:xdist",
                           "-rf", *FAST], cwd=work, env=env, capture_output=True, text=True)
    return re.findall(r"^FAILED (\S+)", proc.stdout, re.M)


def main(argv=None) -> int:
    names = (argv if argv is not None else sys.argv[1:]) or list(BUGS)
    databases = Path(os.environ.get("MC2CM_MUTATION_DIR", "/tmp/mc2cm-mutation")) / "databases"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    if (databases / "mc2cm.duckdb").exists():  # built by tests/mutation/run.py from the unbroken code
        env["MC2CM_PREBUILT_TEST_DB"], env["MC2CM_PREBUILT_FIXTURE_DB"] = str(databases / "mc2cm.duckdb"), str(databases / "fixture.duckdb")
    uncaught = []
    for name in names:
        failed = run(name, env)
        print(f"{name}: {len(failed)} failing fast tests")
        for test in failed:
            print(f"    {test}")
        if not failed:
            uncaught.append(name)
    return 1 if uncaught else 0


if __name__ == "__main__":
    sys.exit(main())
