"""Chart texts in French and Arabic (issue 25): on every page, the titles, subtitles, source
lines, axis and colour-bar titles, legend entries and hover texts of every chart are at most
2 % identical to the English run of the same page.

The measure is that of ``test_i18n.test_page_runs_translated`` (AppTest, each page with its
default view), on the charts' own texts: every figure the page sends to the browser is read
from its plotly JSON, its texts are cut into lines (``<br>``), tags removed, and each distinct
line counts once per page. Lines that are only numbers, proper names (cities, districts,
countries, publishers) or allow-listed texts (``CHART_ALLOW_LIST``, with the reason) are not
counted.

Run: ``python -m pytest tests/unit/test_chart_texts_translated.py -q`` (shares the AppTest runs
of tests/unit/test_i18n.py when both run in one session).
"""
from __future__ import annotations

import json
import re

import pytest

import i18n
from tests.unit.test_i18n import PAGES, SAME_AS_ENGLISH, TRANSLATED, _proper_names, _run, countable

MAX_IDENTICAL = 0.02
TAG = re.compile(r"<[^>]+>")

# Lines a chart shows identically in every language on purpose, with the reason.
CHART_ALLOW_LIST: dict[str, str] = {
    "GeoNames": "name of the coordinates' source (a proper name)",
    "Natural Earth": "name of the countries' source (a proper name)",
    "UN DESA International Migrant Stock 2024": "title of the national figures' source (a quoted title)",
    "UNHCR Refugee Data Finder": "title of the refugees' source (a quoted title)",
}


def _lines(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [line for v in value for line in _lines(v)]
    if not isinstance(value, str):
        return []
    out = []
    for part in re.split(r"<br\s*/?>", value):
        text = re.sub(r"\s+", " ", TAG.sub("", part).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")).strip()
        if text:
            out.append(text)
    return out


def _title(obj) -> list[str]:
    if isinstance(obj, dict):
        return _lines(obj.get("text")) + _title(obj.get("subtitle"))
    return _lines(obj)


def figure_texts(spec: dict) -> list[str]:
    """Every line of text a reader can see or hover in a plotly figure (its JSON)."""
    layout = spec.get("layout", {})
    texts = _title(layout.get("title"))
    texts += [line for a in layout.get("annotations", []) for line in _lines(a.get("text"))]
    for key, axis in layout.items():
        if re.fullmatch(r"[xy]axis\d*", key) and isinstance(axis, dict):
            texts += _title(axis.get("title")) + _lines(axis.get("ticktext"))
        if re.fullmatch(r"coloraxis\d*", key) and isinstance(axis, dict):
            texts += _title((axis.get("colorbar") or {}).get("title"))
    texts += _title((layout.get("legend") or {}).get("title"))
    for trace in spec.get("data", []):
        if trace.get("showlegend") is not False:
            texts += _lines(trace.get("name"))
        for key in ("hovertext", "text"):
            texts += _lines(trace.get(key))
        for bar in (trace.get("colorbar"), (trace.get("marker") or {}).get("colorbar")):
            texts += _title((bar or {}).get("title"))
        texts += _lines(trace.get("ticktext")) + _lines(trace.get("x") if trace.get("type") == "heatmap" else None)
        texts += _lines(trace.get("y") if trace.get("type") in ("bar", "heatmap") and trace.get("orientation") == "h" else None)
    return texts


def chart_texts(at) -> list[str]:
    """The distinct text lines of every chart on an AppTest page."""
    seen = {}
    for element in at.get("plotly_chart"):
        for line in figure_texts(json.loads(element.proto.spec)):
            seen.setdefault(line, None)
    return list(seen)


def _names() -> list[str]:
    """Proper names besides those of test_i18n: districts and countries in every language."""
    names = list(_proper_names())
    for lang in i18n.LANGUAGES:
        labels = i18n.catalogue(lang)["labels"]
        names += [str(v) for kind in ("areas", "countries") for v in (labels.get(kind) or {}).values()]
    from analytics.db import connect
    import os

    con = connect(os.environ["MC2CM_DB"])
    try:
        names += [r[0] for r in con.execute("SELECT DISTINCT area_name FROM areas WHERE area_name IS NOT NULL").fetchall()]
        names += [r[0] for r in con.execute("SELECT DISTINCT name FROM countries WHERE name IS NOT NULL").fetchall()]
    finally:
        con.close()
    return sorted({n for n in names if n and len(n) > 1}, key=len, reverse=True)


def _version() -> str:
    from analytics.db import connect
    import os

    con = connect(os.environ["MC2CM_DB"])
    try:
        return str(con.execute("SELECT data_version FROM build_info").fetchone()[0])
    finally:
        con.close()


def cognates(lang: str) -> list[str]:
    """Catalogue values that are the same word in English and ``lang`` (test_i18n.SAME_AS_ENGLISH)."""
    english = i18n.catalogue("en")["texts"]
    return sorted({str(english[k]) for k in SAME_AS_ENGLISH[lang]}, key=len, reverse=True)


def chart_countable(text: str, names: list[str], lang: str, version: str) -> bool:
    """A chart line counts unless it is numbers, the data version, proper names, allow-listed
    texts or words that are the same in both languages (a cognate: "comparable", "national")."""
    if text in CHART_ALLOW_LIST:
        return False
    bare = text.replace(version, " ") if version else text
    for name in names:
        bare = bare.replace(name, " ")
    for word in cognates(lang):
        bare = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", " ", bare)
    return countable(bare, [], set())


def identical_chart_share(page: str, lang: str, names: list[str]) -> tuple[float, list[str], int]:
    """Share of the page's countable chart lines in ``lang`` that the English page shows too."""
    english = set(chart_texts(_run(page, "en")))
    version = _version()
    shown = [t for t in chart_texts(_run(page, lang)) if chart_countable(t, names, lang, version)]
    same = [t for t in shown if t in english]
    return (len(same) / len(shown) if shown else 0.0), same, len(shown)


@pytest.fixture(scope="module")
def names(built_db):
    import os

    os.environ.setdefault("MC2CM_DB", str(built_db))
    return _names()


@pytest.fixture()
def app_database(built_db, monkeypatch):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("page", PAGES)
def test_chart_titles_legends_and_hovers_are_translated(app_database, names, page, lang):
    at = _run(page, lang)
    assert not at.exception, [e.message for e in at.exception]
    share, same, n = identical_chart_share(page, lang, names)
    print(f"charts {page} {lang}: {len(same)}/{n} = {share:.1%} identical to English")
    print("  same:", same)
    assert share <= MAX_IDENTICAL, same


def test_the_measure_finds_an_english_legend():
    """The extraction reads titles, legends, hovers and source lines (broken once: a legend left in English)."""
    spec = {"layout": {"title": {"text": "<b>Vienne</b>", "subtitle": {"text": "a<br>b"}},
                       "annotations": [{"text": "Source : X"}], "xaxis": {"title": {"text": "Année"}}},
            "data": [{"type": "scatter", "name": "City of Vienna", "hovertext": ["<b>Favoriten</b><br>Part : 3 %"]}]}
    assert figure_texts(spec) == ["Vienne", "a", "b", "Source : X", "Année", "City of Vienna", "Favoriten", "Part : 3 %"]
