"""Static chart images through kaleido 1.x and the system Chromium, one server per brief.

A cold kaleido call starts Chromium (3-6 s per image); with one sync server kept open for a
brief, images cost well under a second each (FEASIBILITY.md). The server is opened with
MathJax disabled and plotly.js from the installed plotly package, so nothing is fetched.
"""
from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from pathlib import Path

from figures.style import EXPORT, Chart

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class MissingDependency(RuntimeError):
    """A program or package a brief format needs is not installed (message says how to install it)."""

    def __init__(self, what: str, how: str):
        super().__init__(f"{what} is missing. {how}")
        self.what, self.how = what, how


def find_browser() -> str | None:
    """The Chromium kaleido will use: ``BROWSER_PATH`` if set, else the first on PATH."""
    path = os.environ.get("BROWSER_PATH")
    if path and Path(path).exists():
        return path
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def check_kaleido() -> None:
    """Raise :class:`MissingDependency` unless kaleido and a Chromium are installed."""
    try:
        import kaleido  # noqa: F401
    except ImportError as error:
        raise MissingDependency("the Python package kaleido (static chart images)",
                                "Install it with: .venv/bin/pip install -r requirements.txt") from error
    if not find_browser():
        raise MissingDependency("Chromium (kaleido draws chart images with it)",
                                "Install it with: sudo apt-get install -y chromium (or make e2e-deps), "
                                "or set BROWSER_PATH to a Chrome/Chromium executable.")


@contextlib.contextmanager
def image_server(keep: bool = False):
    """One kaleido sync server for a batch of images (left running if it was already open, or
    with ``keep``; :func:`close` stops it)."""
    check_kaleido()
    import kaleido
    from kaleido import _global_server

    # Chromium's pipe may close mid-message when the server stops: choreographer logs that
    # harmless case with a traceback; a brief's user should not see it.
    logging.getLogger("choreographer.channels.pipe").setLevel(logging.CRITICAL)
    started = False
    if not _global_server.is_running():
        kaleido.start_sync_server(n=1, mathjax=False, timeout=60, silence_warnings=True)
        started = True
    try:
        yield
    finally:
        if started and not keep:
            close()


def close() -> None:
    """Stop the image server (and its Chromium) if it is running."""
    import kaleido
    from kaleido import _global_server

    if _global_server.is_running():
        kaleido.stop_sync_server(silence_warnings=True)


def chart_png(chart: Chart, width: int = EXPORT["width"], height: int | None = None, scale: float = EXPORT["scale"]) -> bytes:
    """One chart as PNG bytes (inside :func:`image_server` for speed)."""
    import kaleido

    fig = chart.figure
    opts = {"format": "png", "width": width, "height": height or int(fig.layout.height or EXPORT["height"]), "scale": scale}
    return kaleido.calc_fig_sync(fig, opts=opts)


def charts_png(charts: list[Chart], width: int, scale: float = 2, height: int | None = None, progress=None) -> list[bytes]:
    """PNG bytes of every chart, drawn in one batch on one server.

    ``height``: a fixed height (slides) or None for each figure's own layout height.
    ``progress(i, n)`` is called before each chart.
    """
    import kaleido

    if not charts:
        return []
    with image_server(), tempfile.TemporaryDirectory(prefix="mc2cm-brief-") as tmp:
        jobs = []
        for i, chart in enumerate(charts):
            h = height or int(chart.figure.layout.height or 420)
            jobs.append({"fig": chart.figure, "path": str(Path(tmp) / f"{i:03d}.png"),
                         "opts": {"format": "png", "width": width, "height": h, "scale": scale}})
        if progress:
            progress(0, len(charts))
        kaleido.write_fig_from_object_sync(jobs)
        out = [Path(job["path"]).read_bytes() for job in jobs]
        if progress:
            progress(len(charts), len(charts))
        return out
