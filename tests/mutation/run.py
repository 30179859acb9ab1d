"""Mutation testing of the modules that hold the dashboard's promises (mutmut 3).

Each target is one module (or the functions of a module that hold a promise) with the tests
that guard it. Every target runs in its own scratch copy of the code
(``$MC2CM_MUTATION_DIR/<target>``, default ``/tmp/mc2cm-mutation``), so that mutmut's
``mutants/`` folder and configuration never touch the checkout; the databases the tests need
are built once, from the unmutated code, and handed in (``MC2CM_PREBUILT_*``). mutmut runs
only the tests that reach a mutated function (its stats phase), on ``--jobs`` processes.

    python tests/mutation/run.py                 # every target, then the score table
    python tests/mutation/run.py rules export    # some targets
    python tests/mutation/run.py --list          # targets and their tests

Results: ``tests/mutation/RESULTS.md`` (scores per target; every surviving mutant with its
diff, minus those listed in ``tests/mutation/EQUIVALENT.md`` with a reason). Exit code 1 when a
mutant survives that EQUIVALENT.md does not list.
"""
from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRATCH = Path(os.environ.get("MC2CM_MUTATION_DIR", "/tmp/mc2cm-mutation"))
PROMISES = "tests/promises"


@dataclass(frozen=True)
class Target:
    name: str
    module: str  # file to mutate
    tests: tuple[str, ...]
    functions: tuple[str, ...] = ()  # only these functions (mutmut name patterns); all when empty
    promise: str = ""


TARGETS = (
    Target("rules", "analytics/rules.py",
           (f"{PROMISES}/test_comparability.py", f"{PROMISES}/test_choice_of_figure.py", f"{PROMISES}/test_rules.py"),
           promise="comparability, ranks, choice rule, booleans"),
    Target("compare", "analytics/compare.py",
           (f"{PROMISES}/test_comparability.py", f"{PROMISES}/test_choice_of_figure.py", f"{PROMISES}/test_comparison_outputs.py"),
           functions=("best_figures", "compare_cities", "caveat_codes", "_caveat", "network_position"),
           promise="comparison and choice of figure"),
    Target("figures_compare", "figures/compare.py", (f"{PROMISES}/test_chart_marks.py",),
           functions=("standing_mark", "ranked_bars"), promise="the chart marks of the comparison"),
    Target("segregation_indices", "analytics/segregation_indices.py",
           ("tests/unit/test_segregation_indices.py", f"{PROMISES}/test_segregation_promises.py"),
           promise="segregation indices and the dissimilarity p-value"),
    Target("spatial_inference", "analytics/spatial.py", (f"{PROMISES}/test_spatial_inference.py",),
           functions=("morans_i", "local_moran_clusters"), promise="Moran's I and LISA inference"),
    Target("text_safety", "analytics/text_safety.py", ("tests/unit/test_text_safety.py", f"{PROMISES}/test_text_safety_promises.py"),
           promise="text from data is text"),
    Target("export", "analytics/export.py", (f"{PROMISES}/test_export_bundle.py", f"{PROMISES}/test_export_downloads.py",
                                       "tests/unit/test_export.py::test_formula_injection_is_neutralised"),
           functions=("_observations_query", "_area_counts_query", "_query", "_in", "selection_sql", "_sql_literal",
                      "neutralise_formulas", "to_csv_bytes", "_copy_select", "write_csv_file"),
           promise="downloads: query.sql, row order, CSV bytes, formula neutralisation"),
)
COPY = ("analytics", "figures", "i18n", "data/catalog", "tests", "pytest.ini")


def _mutant_patterns(target: Target) -> list[str]:
    module = target.module[:-3].replace("/", ".")
    return [f"{module}.x_{f}__mutmut_*" for f in target.functions]


def _prepare(target: Target, env: dict) -> Path:
    work = SCRATCH / target.name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    for item in COPY:
        source = ROOT / item
        if source.is_dir():
            shutil.copytree(source, work / item, ignore=shutil.ignore_patterns("__pycache__", ".cache", "*.duckdb", ".axe",
                                                                                  "screenshots", "mutation"))
        elif source.exists():
            shutil.copy2(source, work / item)
    tests = ", ".join(f'"{t}"' for t in target.tests)
    (work / "pyproject.toml").write_text(f"""[tool.mutmut]
source_paths = ["analytics", "figures", "i18n"]
only_mutate = ["{target.module}"]
also_copy = ["data/catalog", "pytest.ini"]
pytest_add_cli_args_test_selection = [{tests}]
pytest_add_cli_args = ["-p", "no:cacheprovider", "-p", "no:xdist", "-m", "not slow"]
use_git_change_detection = false
""")
    return work


def _prebuilt(env: dict) -> None:
    """Build the two test databases once, from the unmutated checkout."""
    sys.path.insert(0, str(ROOT))
    out = SCRATCH / "databases"
    out.mkdir(parents=True, exist_ok=True)
    fixture, full = out / "fixture.duckdb", out / "mc2cm.duckdb"
    if not fixture.exists() or not full.exists():
        code = ("import sys; sys.path.insert(0, 'tests/fixtures'); from pathlib import Path; import make_fixture_db as m; "
                f"m.build_fixture(Path({str(fixture)!r})); from analytics.db import build; import tempfile; "
                f"build(Path({str(full)!r}), ingested=Path(tempfile.mkdtemp()))")
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)
    env["MC2CM_PREBUILT_FIXTURE_DB"], env["MC2CM_PREBUILT_TEST_DB"] = str(fixture), str(full)


def _results(work: Path, target: Target) -> dict[str, str]:
    out = subprocess.run([sys.executable, "-m", "mutmut", "results", "--all", "true"], cwd=work, capture_output=True, text=True)
    status = {}
    for line in out.stdout.splitlines():
        match = re.match(r"\s*(\S+__mutmut_\d+): (.+)$", line)
        if match and (not target.functions or any(re.fullmatch(p.replace(".", r"\.").replace("*", ".*"), match.group(1))
                                                  for p in _mutant_patterns(target))):
            status[match.group(1)] = match.group(2).strip()
    return status


def _equivalent() -> dict[str, str]:
    """Mutant names listed in EQUIVALENT.md (``| name | reason |`` rows)."""
    path = HERE / "EQUIVALENT.md"
    if not path.exists():
        return {}
    rows = re.findall(r"^\|\s*`?([\w.]+__mutmut_\d+)`?\s*\|\s*(.+?)\s*\|\s*$", path.read_text(), re.M)
    return dict(rows)


def run_target(target: Target, env: dict, jobs: int) -> dict:
    work = _prepare(target, env)
    load_before = os.getloadavg()[0]
    start, cpu = time.time(), os.times()
    log = open(work / "mutmut.log", "w")
    subprocess.run([sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs), *_mutant_patterns(target)],
                   cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT)
    after = os.times()
    status = _results(work, target)
    equivalent = _equivalent()
    survivors = sorted(m for m, s in status.items() if s in ("survived", "no tests", "timeout", "suspicious"))
    diffs = {}
    for name in survivors:
        shown = subprocess.run([sys.executable, "-m", "mutmut", "show", name], cwd=work, capture_output=True, text=True)
        diffs[name] = shown.stdout
    killed = sum(1 for s in status.values() if s == "killed")
    listed = [m for m in survivors if m in equivalent]
    return {"target": target, "total": len(status), "killed": killed, "survivors": survivors, "equivalent": listed,
            "unexplained": [m for m in survivors if m not in equivalent], "diffs": diffs,
            "wall": time.time() - start, "cpu": (after.children_user + after.children_system)
            - (cpu.children_user + cpu.children_system), "load": (load_before, os.getloadavg()[0]),
            "log": work / "mutmut.log"}


def report(results: list[dict]) -> str:
    lines = ["# Mutation testing results", "",
             f"`make mutation` (mutmut 3.8.1, `python tests/mutation/run.py`), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
             "Score = (killed + listed equivalent) / mutants. Equivalent mutants: tests/mutation/EQUIVALENT.md.",
             "mutmut 3 mutates function bodies only: module constants (`OFFICIAL_GRACE_YEARS`, `MAX_YEAR_GAP`, the rank",
             "tables) are pinned by tests/promises/test_rules.py, test_comparability.py and test_choice_of_figure.py.",
             "Wall and CPU seconds are those of this run on the machine it ran on; load = 1-minute load average",
             "at the start and the end of the target (other work on the machine makes the times upper bounds).", "",
             "| target | module | functions | mutants | killed | equivalent | unexplained survivors | score | wall s | CPU s | load |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        t = r["target"]
        score = (r["killed"] + len(r["equivalent"])) / r["total"] * 100 if r["total"] else 0.0
        lines.append(f"| {t.name} | `{t.module}` | {', '.join(t.functions) or 'all'} | {r['total']} | {r['killed']} | "
                     f"{len(r['equivalent'])} | {len(r['unexplained'])} | {score:.1f} % | {r['wall']:.0f} | {r['cpu']:.0f} | "
                     f"{r['load'][0]:.1f}-{r['load'][1]:.1f} |")
    total = sum(r["total"] for r in results)
    if total:
        killed, listed = sum(r["killed"] for r in results), sum(len(r["equivalent"]) for r in results)
        unexplained = sum(len(r["unexplained"]) for r in results)
        lines += ["", f"Total: {total} mutants, {killed} killed, {listed} equivalent, {unexplained} unexplained: "
                      f"{(killed + listed) / total * 100:.1f} %; {sum(r['wall'] for r in results):.0f} s wall, "
                      f"{sum(r['cpu'] for r in results):.0f} s CPU."]
    for r in results:
        if r["unexplained"]:
            lines += ["", f"## {r['target'].name}: surviving mutants not listed as equivalent", ""]
            for name in r["unexplained"]:
                lines += ["```diff", r["diffs"][name].strip(), "```"]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", help="target names (default: all)")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("MUTATION_JOBS", "2")))
    parser.add_argument("--list", action="store_true")
    parser.add_argument("--results", default=str(HERE / "RESULTS.md"))
    args = parser.parse_args(argv)
    chosen = [t for t in TARGETS if not args.targets or t.name in args.targets]
    if args.list:
        for t in chosen:
            print(f"{t.name}: {t.module} {list(t.functions) or ''} <- {', '.join(t.tests)}")
        return 0
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    _prebuilt(env)
    results = []
    for target in chosen:
        print(f"mutation: {target.name} ({target.module})", flush=True)
        result = run_target(target, env, args.jobs)
        results.append(result)
        print(f"  {result['killed']}/{result['total']} killed, {len(result['equivalent'])} equivalent, "
              f"{len(result['unexplained'])} unexplained, {result['wall']:.0f} s wall", flush=True)
    text = report(results)
    Path(args.results).write_text(text)
    print(text)
    return 1 if any(r["unexplained"] for r in results) or any(r["total"] == 0 for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
