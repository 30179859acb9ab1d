"""Each harmonise step, re-run on the shared data, reproduces the committed outputs exactly.

This pins every step end to end: the checks inside each step (row counts, totals, joins) run,
and any change in cleaning shows up as a diff against data/harmonised.
"""
import importlib

import pytest

from analytics.harmonise import STEPS
from analytics.paths import HARMONISED_DIR


@pytest.mark.parametrize("step", STEPS)
def test_step_reproduces_committed_output(step, raw_dir, tmp_path):
    module = importlib.import_module(f"analytics.harmonise.{step}")
    paths = module.run(raw_dir, tmp_path)
    assert paths
    for path in paths:
        committed = HARMONISED_DIR / path.name
        assert committed.exists(), f"{path.name} is not committed"
        assert path.read_bytes() == committed.read_bytes(), f"{step}: {path.name} differs from the committed file"


def test_missing_raw_folder_gives_a_clear_message(tmp_path):
    from analytics.harmonise import vienna
    from analytics.harmonise._common import HarmoniseError

    with pytest.raises(HarmoniseError, match="raw file not found.*MC2CM_RAW"):
        vienna.run(tmp_path / "nowhere", tmp_path)
