"""The docs list every setting, make target, ingest column and catalog entry they describe."""
import re
from pathlib import Path

from analytics import ingest

ROOT = Path(__file__).resolve().parents[2]


def test_every_make_target_is_documented():
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):", (ROOT / "Makefile").read_text(), re.M)) - {"e2e-deps", "clean"}
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    assert targets and all(f"make {t}" in contributing for t in targets), targets


def test_every_ingest_column_is_documented():
    doc = (ROOT / "docs" / "ingest-format.md").read_text()
    for column in ingest.REQUIRED + ingest.OPTIONAL:
        assert f"`{column}`" in doc, column


def test_environment_settings_are_documented():
    settings = set(re.findall(r"environ\.get\(\"(MC2CM_[A-Z_]+)\"", "".join(p.read_text() for p in (ROOT / "analytics").rglob("*.py"))))
    text = (ROOT / "README.md").read_text() + (ROOT / "CONTRIBUTING.md").read_text()
    assert settings == {"MC2CM_DB", "MC2CM_RAW"}
    assert all(s in text for s in settings)


def test_readme_gives_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_screen = "\n".join(readme.splitlines()[:15])
    assert "make run" in first_screen and "make test" in first_screen
    assert "make test" in (ROOT / ".ci" / "run").read_text()
