"""Accessible PDF briefs (issue 21): PDF/UA-1 through WeasyPrint, read back with poppler.

For Lyon (fr), Amman (ar), Vienna (en) and a comparison of the founding cities: ``pdfinfo``
reports the file as tagged and names the document's language (XMP ``dc:language``), the
catalogue holds ``/Lang`` and the bookmarks (``/Outlines``), and ``pdftotext`` finds every
section title of the page in the page's order. Slow: charts are drawn by kaleido + Chromium.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zlib

import pytest

import briefs
from briefs.content import city_brief_content, comparison_brief_content
from briefs.images import find_browser
from tests.unit.test_briefs import _norm

FOUNDERS = ["amman", "beirut", "lisbon", "lyon", "madrid", "tangier", "tunis", "turin", "vienna"]
CASES = [("city", "lyon", "fr"), ("city", "amman", "ar"), ("city", "vienna", "en"), ("comparison", "founders", "en")]

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(find_browser() is None, reason="Chromium not installed (make e2e-deps)"),
              pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed (make e2e-deps)")]


def pdf_objects(data: bytes) -> bytes:
    """The PDF's bytes with every Flate stream decompressed after it (object streams included)."""
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        start = match.end()
        end = data.find(b"endstream", start)
        try:
            parts.append(zlib.decompress(data[start:end]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def ordered(needles: list[str], text: str) -> list[str]:
    """The needles not found in ``text`` after the previous one (empty: all there, in order)."""
    missing, at = [], 0
    for needle in needles:
        found = text.find(needle, at)
        if found < 0:
            missing.append(needle)
        else:
            at = found + len(needle)
    return missing


@pytest.mark.parametrize("kind,target,lang", CASES)
def test_pdf_brief_is_tagged_with_its_language_and_has_every_section_in_order(con, tmp_path, kind, target, lang):
    if kind == "city":
        data = briefs.make(con, "city", city_id=target, fmt="pdf", lang=lang)
        brief = city_brief_content(con, target, lang)
    else:
        data = briefs.make(con, "comparison", city_ids=FOUNDERS, fmt="pdf", lang=lang)
        brief = comparison_brief_content(con, FOUNDERS, lang=lang)
    path = tmp_path / f"{target}-{lang}.pdf"
    path.write_bytes(data)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes$", info, re.M), info
    assert re.search(r"^Title:\s+" + re.escape(brief.title), info, re.M)
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], capture_output=True, text=True, check=True).stdout
    assert f"<dc:language><rdf:Bag><rdf:li>{lang}</rdf:li>" in meta, "pdfinfo -meta: no document language"
    objects = pdf_objects(data)
    assert f"/Lang ({lang})".encode() in objects, "no /Lang in the catalogue"
    assert b"/Outlines" in objects and b"pdfuaid:part=\"1\"" in objects
    assert b"/Alt" in objects, "images without alternative text"
    text = _norm(subprocess.run(["pdftotext", "-nopgbrk", str(path), "-"], capture_output=True, text=True,
                                check=True).stdout)
    titles = [_norm(title) for title in brief.section_titles()]
    if lang == "ar":  # pdftotext may give a right-to-left title's words in either order: its longest word
        titles = [max(title.split(), key=len) for title in titles]
    assert not ordered(titles, text), f"section titles missing or out of order: {ordered(titles, text)}"
