"""Issue 26, finding 2: a full disk during a build or a publication is a one-line message that
names the free space needed, the previous database / publication stays as it was, and no
temporary file is left to keep the disk full. Measured on a real small file system: a 5 MB
tmpfs (mounting needs root; the tests skip with a message otherwise)."""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def small_disk(tmp_path):
    """A 5 MB tmpfs mounted on a folder of ``tmp_path`` (unmounted afterwards)."""
    mount = shutil.which("mount") or "/bin/mount"
    if os.geteuid() != 0 or not Path(mount).exists():
        pytest.skip("a full-disk test needs root to mount a 5 MB tmpfs (mount -t tmpfs -o size=5m); not root here")
    folder = tmp_path / "small"
    folder.mkdir()
    done = subprocess.run([mount, "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"could not mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield folder
    finally:  # lazily if a process still holds a file there (the folder must not stay mounted)
        if subprocess.run(["umount", str(folder)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_on_a_full_disk_is_one_line_and_leaves_no_temporary_file(small_disk):
    """The project database (12.9 MB) cannot fit on 5 MB: the build stops with one line naming the
    folder, the free space and what it needs; the folder is empty afterwards."""
    env = {**os.environ, "MC2CM_DB": str(small_disk / "mc2cm.duckdb")}
    proc = subprocess.run([sys.executable, "-m", "analytics", "build"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "site-packages" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert f"not enough free space in {small_disk}" in lines[0] and "MB free" in lines[0] and "needs" in lines[0], lines[0]
    assert list(small_disk.iterdir()) == [], "temporary files left on the full disk"


def test_build_refused_before_writing_when_the_old_database_cannot_be_doubled(small_disk):
    """With a database already there and less free space than a build needs (1.25 x its size,
    measured), nothing is written: the old file is byte-identical and alone in its folder."""
    from analytics.db import write_database
    from analytics.diskspace import DiskFull

    target = small_disk / "mc2cm.duckdb"
    target.write_bytes(os.urandom(3 * 1024 * 1024))  # stands for a 3 MB database: only its size is read
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * (5 * 1024 * 1024 - target.stat().st_size - 64 * 1024))
    before = _sha(target)
    with pytest.raises(DiskFull, match=r"not enough free space .*MB free; it needs about \d+ MB"):
        write_database({}, target)
    assert _sha(target) == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "mc2cm.duckdb"]


def test_publish_on_a_full_disk_is_a_message_and_leaves_the_old_publication(small_disk, fixture_db_path, tmp_path):
    env = {**os.environ, "MC2CM_DB": str(fixture_db_path)}
    out = small_disk / "parquet"
    first = subprocess.run([sys.executable, "-m", "analytics", "publish", "--parquet", str(out)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert first.returncode == 0, first.stderr
    published = {p.relative_to(out): _sha(p) for p in out.rglob("*") if p.is_file()}
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - 16 * 1024))
    proc = subprocess.run([sys.executable, "-m", "analytics", "publish", "--parquet", str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "publish stopped: not enough free space" in proc.stderr, proc.stderr
    assert {p.relative_to(out): _sha(p) for p in out.rglob("*") if p.is_file()} == published
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "parquet"], "a temporary publication was left"
