"""Packaging: pyproject.toml declares the dependencies; requirements.txt is generated from it;
requirements.lock pins the same versions and every transitive one; the Makefile installs with it."""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import requirements as packaging  # noqa: E402


def _pins(lines):
    return {m.group(1).lower().replace("_", "-"): m.group(2)
            for m in (re.match(r"^([A-Za-z0-9_.\-]+)==([^\s#;]+)", line.strip()) for line in lines) if m}


def test_requirements_txt_is_generated_from_pyproject():
    assert packaging.REQUIREMENTS.read_text(encoding="utf-8") == packaging.requirements_text(), \
        "run python tests/packaging/requirements.py --write"


def test_every_declared_dependency_is_pinned_and_the_lock_agrees():
    meta = packaging.project()
    declared = [*meta["dependencies"], *(d for extra in packaging.EXTRAS for d in meta["optional-dependencies"][extra])]
    assert all("==" in d for d in declared), [d for d in declared if "==" not in d]
    lock = _pins(packaging.LOCK.read_text(encoding="utf-8").splitlines())
    wanted = _pins(declared)
    assert {name: lock.get(name) for name in wanted} == wanted
    assert len(lock) > len(wanted)  # transitive versions too (numpy's, pandas's, streamlit's ...)


def test_makefile_installs_with_the_lock():
    makefile = (packaging.ROOT / "Makefile").read_text()
    assert "-r requirements.txt -c requirements.lock" in makefile
    assert re.search(r"^\$\(VENV\)/\.installed: requirements\.txt requirements\.lock$", makefile, re.M)
