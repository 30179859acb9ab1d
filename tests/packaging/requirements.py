"""requirements.txt from pyproject.toml, and requirements.lock (every transitive version).

pyproject.toml is the one place where dependencies are declared; requirements.txt is the
README's one-command install (`pip install -r requirements.txt`: the app, briefs, tests and
benchmarks) and is generated from it; requirements.lock is what pip resolves for that install
on Python 3.11 (`pip install --dry-run --ignore-installed --report`, the ordinary pip client,
nothing installed), and the Makefile installs with it as constraints.

    python tests/packaging/requirements.py --write   # rewrite requirements.txt from pyproject.toml
    python tests/packaging/requirements.py --lock    # re-resolve requirements.lock (needs the package index)
    python tests/packaging/requirements.py --check   # exit 1 if requirements.txt is not the generated text
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
REQUIREMENTS = ROOT / "requirements.txt"
LOCK = ROOT / "requirements.lock"
EXTRAS = ("briefs", "test", "bench")  # what the README's one-command install brings (not: mutation)
HEADER = ("# Generated from pyproject.toml by `python tests/packaging/requirements.py --write`: edit pyproject.toml.\n"
          "# Pinned versions checked to install and work together on Python 3.11; every transitive version\n"
          "# is in requirements.lock (make installs with `-c requirements.lock`).\n")


def project() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]


def requirements_text() -> str:
    """The text of requirements.txt: the app's dependencies, then each extra under a comment."""
    meta = project()
    lines = [HEADER, "# app", *meta["dependencies"]]
    for extra in EXTRAS:
        lines += [f"# {extra}", *meta["optional-dependencies"][extra]]
    return "\n".join(lines).replace(HEADER + "\n", HEADER) + "\n"


def lock_text(requirements: Path = REQUIREMENTS) -> str:
    """Every package pip installs for ``requirements`` into an empty environment, pinned."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--dry-run", "--ignore-installed",
                        "--report", str(report), "-r", str(requirements)], check=True)
        installs = json.loads(report.read_text())["install"]
    pins = sorted(f"{i['metadata']['name']}=={i['metadata']['version']}" for i in installs)
    return ("# Every transitive version of `pip install -r requirements.txt` on Python 3.11, resolved by\n"
            "# `python tests/packaging/requirements.py --lock` (pip --dry-run --report). Used as constraints.\n"
            + "\n".join(sorted(pins, key=str.lower)) + "\n")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--write", action="store_true")
    group.add_argument("--lock", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.write:
        REQUIREMENTS.write_text(requirements_text(), encoding="utf-8")
    elif args.lock:
        LOCK.write_text(lock_text(), encoding="utf-8")
    elif REQUIREMENTS.read_text(encoding="utf-8") != requirements_text():
        print("requirements.txt is not generated from pyproject.toml: run python tests/packaging/requirements.py --write")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
