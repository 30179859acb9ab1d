"""A full disk while writing the database or a publication: one clear message, nothing left behind.

``DiskFull`` is what ``analytics.db.write_database`` and ``analytics.store.publish_parquet``
raise when the file system runs out of space (``ENOSPC`` from Python, or DuckDB's "No space left
on device"); they remove their temporary files first. The message names the folder, the free
space and the space needed, in one line for the command line.
"""
from __future__ import annotations

import errno
import shutil
from pathlib import Path

MB = 1024 * 1024
# A build writes the new database beside the old one, through DuckDB's write-ahead log: measured
# on the project database (2026-12-07, DuckDB 2.0, tmpfs), the new file and its log peaked at
# 15.6 MB for a 12.9 MB database, 1.21 x its size.
BUILD_FACTOR = 1.25


class DiskFull(OSError):
    """Not enough free space to write; the message says where, how much is free and needed."""

    def __init__(self, folder: Path, needed: int | None, what: str, written: int = 0):
        self.folder, self.needed = Path(folder), needed
        free = free_bytes(folder)
        need = (f"it needs about {needed / MB:.0f} MB" if needed else
                f"it needs more than the {written / MB:.1f} MB it had written when the disk filled")
        super().__init__(errno.ENOSPC, f"{what} stopped: not enough free space in {folder} ({free / MB:.1f} MB free; "
                                       f"{need}); nothing was changed and the temporary files were removed. "
                                       "Free some space (or set MC2CM_DB to a larger disk) and run it again.")

    def __str__(self) -> str:
        return self.strerror


def free_bytes(folder: Path) -> int:
    """Free bytes on the file system of ``folder`` (0 if it cannot be measured)."""
    try:
        return shutil.disk_usage(folder).free
    except OSError:
        return 0


def is_disk_full(error: BaseException) -> bool:
    """True for ``ENOSPC`` (or EDQUOT) and for DuckDB's "No space left on device"; also through ``__cause__``."""
    while error is not None:
        if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "No space left on device" in str(error) or "Disk quota exceeded" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def needed_for_build(target: Path) -> int | None:
    """Space a build of ``target`` needs: ``BUILD_FACTOR`` x the current database, if there is one."""
    try:
        return int(BUILD_FACTOR * Path(target).stat().st_size)
    except OSError:
        return None
