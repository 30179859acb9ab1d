"""The text catalogues (issue 11): every key translated, catalog labels complete, no user-facing
literal outside the catalogue, every page rendered in French and Arabic, Babel formats.

Run: ``python -m pytest tests/unit/test_i18n.py -q`` (the AppTest part builds the database once
per session, like tests/app, and renders every page in en, fr and ar: about a minute).
"""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest
import yaml

import i18n

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "data" / "catalog"
TRANSLATED = [lang for lang in i18n.LANGUAGES if lang != i18n.DEFAULT_LANGUAGE]
PAGES = ["overview", "city", "compare", "spatial", "origins", "themes", "explorer", "coverage", "methods"]
MAX_IDENTICAL = 0.02  # issue 25: at most 2 % of visible text identical to English


# --- catalogue checks (functions the tests call; they read i18n.catalogue at call time) ------


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def missing_texts(lang: str) -> list[str]:
    """Keys of the English ``texts`` that are missing or empty in ``lang``."""
    english = i18n.catalogue("en")["texts"]
    texts = i18n.catalogue(lang)["texts"]
    return [key for key in english if not str(texts.get(key) or "").strip()]


def placeholder_mismatches(lang: str) -> dict[str, tuple[set, set]]:
    english = i18n.catalogue("en")["texts"]
    texts = i18n.catalogue(lang)["texts"]
    out = {}
    for key, text in english.items():
        if key in texts and placeholders(str(text)) != placeholders(str(texts[key])):
            out[key] = (placeholders(str(text)), placeholders(str(texts[key])))
    return out


def _ids(file: str, section: str, key: str) -> list[str]:
    with open(CATALOG / file, encoding="utf-8") as handle:
        return [str(item[key]) for item in yaml.safe_load(handle)[section]]


def catalog_ids() -> dict[str, list[str]]:
    """Every id a label kind must cover, from the catalog files and the rules (no database)."""
    from analytics.rules import GEO_LEVELS, SOURCE_TYPES

    english = i18n.catalogue("en")["labels"]
    return {
        "cities": _ids("cities.yaml", "cities", "city_id"),
        "indicators": _ids("indicators.yaml", "indicators", "indicator_id")
        + _ids("indicators.yaml", "context_indicators", "indicator_id"),
        "concepts": _ids("concepts.yaml", "concepts", "concept_id"),
        "geo_levels": sorted(set(_ids("concepts.yaml", "geo_levels", "geo_level")) | set(GEO_LEVELS)),
        "themes": _ids("themes.yaml", "themes", "theme_id"),
        "groups": _ids("area_groups.yaml", "groups", "group_id"),
        "source_types": sorted(set(SOURCE_TYPES) | set(english["source_types"])),
        "area_levels": list(english["area_levels"]),
        "membership": sorted(set(english["membership"]) | set(_ids("cities.yaml", "membership_codes", "membership"))),
    }


def missing_labels(lang: str, kind: str, ids) -> list[str]:
    labels = i18n.catalogue(lang)["labels"].get(kind) or {}
    return [i for i in ids if not str(labels.get(i) or "").strip()]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_text_is_translated(lang):
    assert missing_texts(lang) == []


@pytest.mark.parametrize("lang", TRANSLATED)
def test_placeholders_are_the_same_as_in_english(lang):
    assert placeholder_mismatches(lang) == {}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_no_key_unknown_to_english(lang):
    """A key only in a translation is a typo (t() looks keys up in English)."""
    extra = set(i18n.catalogue(lang)["texts"]) - set(i18n.catalogue("en")["texts"])
    assert not extra, sorted(extra)


# Values a translation keeps identical to English on purpose (the same word, a name or a
# placeholder only). Anything else identical to English is an untranslated text.
SAME_AS_ENGLISH = {
    "fr": {"language_en", "language_fr", "language_ar", "source", "sources", "comparable", "caveat_source", "concepts",
           "population", "col_concept", "col_population", "index_gini", "national_short", "download_parquet",
           "sources_header", "points", "bibtex", "brief_format", "brief_col_licence", "brief_col_distance",
           "brief_chart_notes", "brief_slide_sources",
           # standing marks the French catalogue keeps: OFF(iciel), SEC(ondaire), EST(imation)
           "mark_official_statistics", "mark_secondary", "mark_estimate", "peer_input_size", "download_csv", "what_page"},
    "ar": {"language_en", "language_fr", "language_ar", "caveat_source", "trend_title", "download_parquet", "bibtex",
           "download_csv", "pilot_line"},
}


def same_as_english(lang: str) -> set[str]:
    english = i18n.catalogue("en")["texts"]
    return {k for k, v in i18n.catalogue(lang)["texts"].items() if k in english and str(v) == str(english[k])}


@pytest.mark.parametrize("lang", TRANSLATED)
def test_only_approved_texts_are_identical_to_english(lang):
    assert same_as_english(lang) == SAME_AS_ENGLISH[lang]


@pytest.mark.parametrize("lang", TRANSLATED)
def test_markdown_is_kept(lang):
    """Bold, code and list markup of the English text survive translation."""
    english = i18n.catalogue("en")["texts"]
    texts = i18n.catalogue(lang)["texts"]
    for key, text in english.items():
        for mark in ("**", "`"):
            assert str(texts[key]).count(mark) == str(text).count(mark), (key, mark)
        assert str(texts[key]).count("\n- ") == str(text).count("\n- "), key


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("kind", ["cities", "indicators", "concepts", "geo_levels", "themes", "groups", "source_types",
                                  "area_levels", "membership"])
def test_catalog_labels_are_complete(lang, kind):
    ids = catalog_ids()[kind]
    assert ids, kind
    assert missing_labels(lang, kind, ids) == []


def test_a_deleted_text_or_label_is_caught(monkeypatch):
    """The checks above can fail: delete one key from a copy of the French catalogue."""
    real = i18n.catalogue

    def without_one(lang):
        data = real(lang)
        if lang != "fr":
            return data
        texts = dict(data["texts"])
        del texts["overview_title"]
        texts["trend_title"] = "{city}"  # a placeholder lost
        labels = {**data["labels"], "cities": {k: v for k, v in data["labels"]["cities"].items() if k != "tunis"}}
        return {"texts": texts, "labels": labels}

    monkeypatch.setattr(i18n, "catalogue", without_one)
    assert missing_texts("fr") == ["overview_title"]
    assert "trend_title" in placeholder_mismatches("fr")
    assert missing_labels("fr", "cities", catalog_ids()["cities"]) == ["tunis"]
    assert missing_texts("ar") == []


def test_city_names_in_local_official_forms():
    fr, ar = (i18n.catalogue(lang)["labels"]["cities"] for lang in ("fr", "ar"))
    assert (fr["tangier"], ar["tangier"]) == ("Tanger", "طنجة")
    assert (fr["beirut"], ar["beirut"]) == ("Beyrouth", "بيروت")
    assert (fr["vienna"], ar["vienna"]) == ("Vienne", "فيينا")
    assert (fr["lisbon"], ar["lisbon"]) == ("Lisbonne", "لشبونة")
    assert ar["amman"] == "عمّان" and ar["tunis"] == "تونس"


def test_area_names_from_the_local_sources():
    """Tangier's arrondissements and Tunis's delegations in Arabic (generated from the shared raw data)."""
    ar = i18n.catalogue("ar")["labels"]["areas"]
    fr = i18n.catalogue("fr")["labels"]["areas"]
    assert ar["tangier:01.511.01.03"] == "بني مكادة" and fr["tangier:01.511.01.03"] == "Bni Makada"
    assert ar["tunis:11-51"] == "قرطاج" and fr["tunis:11-51"] == "Carthage"
    assert i18n.label("areas", "tunis:G14", "ar") == "منوبة"
    assert sum(k.startswith("tunis:") for k in ar) == 52 and sum(k.startswith("tangier:") for k in ar) == 15


def test_labels_of_what_the_database_holds(built_db):
    """Ids that come from the data: membership, area levels, origin countries, nationality groups."""
    from analytics.db import connect

    con = connect(built_db)
    try:
        wanted = {
            "membership": [r[0] for r in con.execute("SELECT DISTINCT membership FROM cities WHERE membership IS NOT NULL")
                           .fetchall()] if "membership" in con.execute("SELECT * FROM cities LIMIT 0").df() else [],
            "area_levels": [r[0] for r in con.execute("SELECT DISTINCT area_level FROM areas").fetchall()],
            "countries": [r[0] for r in con.execute("SELECT DISTINCT iso3 FROM network_shared_origins").fetchall()],
            "groups": [r[0] for r in con.execute("SELECT DISTINCT group_id FROM area_counts").fetchall()],
            "source_types": [r[0] for r in con.execute("SELECT DISTINCT source_type FROM sources").fetchall()],
        }
    finally:
        con.close()
    assert len(wanted["countries"]) >= 40
    for lang in TRANSLATED:
        for kind, ids in wanted.items():
            assert missing_labels(lang, kind, ids) == [], (lang, kind)


# --- keys used in the code exist -------------------------------------------------------------

CODE_FILES = sorted([*ROOT.glob("views/*.py"), *ROOT.glob("figures/*.py"), *ROOT.glob("ui/*.py"), ROOT / "app.py"])


def literal_keys(tree: ast.AST) -> list[tuple[int, str]]:
    """First arguments of ``t("key")`` / ``ctx.t("key")`` calls that are string literals."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name == "t":
                out.append((node.lineno, node.args[0].value))
    return out


def test_every_literal_key_exists_in_english():
    english = i18n.catalogue("en")["texts"]
    unknown = [f"{path.relative_to(ROOT)}:{line}: {key}" for path in CODE_FILES
               for line, key in literal_keys(ast.parse(path.read_text(encoding="utf-8"))) if key not in english]
    assert unknown == []


def test_keys_built_from_ids_exist():
    """Keys the pages build from ids (index names, map kinds, LISA classes, caveat codes, ...)."""
    from analytics.spatial import INDEX_REGISTRY
    from figures.style import LISA_COLOURS

    english = i18n.catalogue("en")["texts"]
    built = ([f"index_{name}" for name in INDEX_REGISTRY] + [f"map_{k}" for k in ("share", "lq", "lisa")]
             + [f"classes_{k}" for k in ("pooled", "within")] + [f"lisa_{k}" for k in LISA_COLOURS]
             + [f"small_multiples_subtitle_{k}" for k in ("pooled", "within")]
             + [f"language_{code}" for code in i18n.LANGUAGES]
             + [f"origins_basis_{k}" for k in ("city", "national")]
             + [f"national_{i}" for i in ("refugees_unhcr", "asylum_seekers_unhcr", "palestine_refugees_unrwa")]
             + [f"caveat_{c}" for c in ("no_data", "estimate", "few_units", "islands")])
    assert [k for k in built if k not in english] == []


# --- no user-facing literal outside the catalogue --------------------------------------------

# Keyword arguments and dict keys whose string values are never shown as text.
NON_TEXT_NAMES = {
    "textposition", "mode", "hoverinfo", "orientation", "symbol", "icon", "page_icon", "language", "kind", "format",
    "barmode", "side", "xanchor", "yanchor", "xref", "yref", "align", "colorscale", "dash", "style", "url_path", "type",
    "key", "layout", "featureidkey", "texttemplate", "hovertemplate", "tickformat", "ticksuffix", "separators", "how",
    "on", "columns", "values", "index", "aggfunc", "color", "marker_color", "marker_line_color", "paper_bgcolor",
    "plot_bgcolor", "gridcolor", "bgcolor", "rangemode", "tickmode", "autorange", "family", "width", "mime",
    "file_name", "label_visibility", "subset", "suffixes", "default",
}
# Calls whose string arguments are dtypes, SQL, keys or formats.
NON_TEXT_CALLS = {"astype", "execute", "get", "setdefault", "pop", "strftime"}
LETTER = re.compile(r"[A-Za-zÀ-ÿ\u0600-\u06FF]")
# Tag names, attributes other than the readable ones (title, alt, aria-label, placeholder) and
# BibTeX field names ("  title = {"): syntax, not text, even when an f-string cuts them in pieces.
# An attribute left open (``title="`` before an f-string field) is syntax too.
MARKUP = re.compile(r'</?[a-zA-Z][\w-]*|/?>|\b[a-z][\w-]*="$|\b(?!(?:title|alt|aria-label|placeholder)=)[a-z][\w-]*="[^"]*"'
                    r'|^\W*\b[a-z]+ = \{|\b[a-z]+ = \{\W*$')


def looks_like_text(value: str) -> bool:
    """A literal a reader would see: a space and a letter, or a capital first letter and more
    than 3 characters; not markup, CSS, SQL, an icon, a path, a format or an identifier."""
    text = value.strip()
    bare = re.sub(r"<[^>]+>", " ", text)
    if not LETTER.search(bare):
        return False
    if text.startswith((":material/", "<style")) or re.search(r"\{[^}]*:[^}]*;", text):  # icons, CSS
        return False
    if re.search(r"<script|document\.|querySelector", text):  # JavaScript
        return False
    if re.match(r"(?is)(select|with|insert|create|update|delete|copy)\s", text):  # SQL
        return False
    if re.fullmatch(r"[a-z0-9_.:/\-+%#,=|*]+", text):  # ids, keys, paths, formats
        return False
    if re.fullmatch(r"[A-Za-z]+(_[A-Za-z0-9]+)+", text):  # CONSTANT_NAMES, Blues_r
        return False
    if not LETTER.search(MARKUP.sub(" ", text)):  # pieces of an HTML tag or of a BibTeX entry's syntax
        return False
    return (" " in text and bool(LETTER.search(bare))) or (text[:1].isupper() and len(text) > 3)


def user_facing_literals(source: str) -> list[tuple[int, str]]:
    """(line, literal) of every string constant that looks like text, outside docstrings,
    keyword arguments with non-text values, subscripts and comparisons."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        parts = []
        if isinstance(node, ast.keyword) and node.arg in NON_TEXT_NAMES:
            parts = [node.value]
        elif isinstance(node, ast.Dict):
            parts = [v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value in NON_TEXT_NAMES]
        elif isinstance(node, ast.Subscript):
            parts = [node.slice]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in NON_TEXT_CALLS:
            parts = list(node.args)
        elif isinstance(node, ast.Compare):
            parts = [node]
        for part in parts:
            skip.update(id(sub) for sub in ast.walk(part))
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip
                  and looks_like_text(node.value))


def allow_list() -> set[tuple[str, str]]:
    """``file | literal | reason`` lines of tests/unit/i18n_allowlist.txt (``#`` comments)."""
    entries = set()
    for raw in (Path(__file__).parent / "i18n_allowlist.txt").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        file, literal, reason = (part.strip() for part in raw.split(" | ", 2))
        assert reason, f"allow-list entry without a reason: {raw}"
        entries.add((file, literal.replace("\\n", "\n")))
    return entries


def literal_offenders() -> tuple[list[str], set]:
    allowed, used, offenders = allow_list(), set(), []
    for path in CODE_FILES:
        rel = str(path.relative_to(ROOT))
        for line, literal in user_facing_literals(path.read_text(encoding="utf-8")):
            if (rel, literal.strip()) in allowed:
                used.add((rel, literal.strip()))
            else:
                offenders.append(f"{rel}:{line}: {literal!r}")
    return offenders, allowed - used


def test_no_user_facing_literal_outside_the_catalogue():
    offenders, _ = literal_offenders()
    assert offenders == [], "move these into i18n/en.yaml (or justify them in tests/unit/i18n_allowlist.txt)"


def test_allow_list_has_no_stale_entry():
    _, stale = literal_offenders()
    assert stale == set()


@pytest.mark.parametrize("source, flagged", [
    ('st.title("Where migrants live")', ["Where migrants live"]),
    ('st.caption(f"Source: {x}")', ["Source: "]),
    ('st.info("Nothing")', ["Nothing"]),
    ('st.title(ctx.t("city_title"))', []),
    ('"""A docstring with words."""\nx = 1', []),
    ('fig.add_trace(go.Scatter(mode="lines+markers", textposition="top center"))', []),
    ('st.markdown("<style>h1 {font-size: 2rem;}</style>", unsafe_allow_html=True)', []),
    ('st.page_link("views/city.py", icon=":material/map:")', []),
    ('con.execute("SELECT a, b FROM t")', []),
    ('st.html(f"<script>document.documentElement.lang = {x};</script>")', []),
    ('if kind == "Other thing": pass', []),
    ('s = f\'<iframe src="{u}" title="{t}" width="960" style="border:0"></iframe>\'', []),
    ('s = f\'<a href="{u}" class="link">Open the map</a>\'', ['" class="link">Open the map</a>']),
    ('s = f"@misc{{{k},\\n  title = {{{t}}},\\n  year = {{{y}}}"', []),
    ('s = f"  note = {{Data: {x}}}"', ["  note = {Data: "]),
])
def test_literal_check_can_fail(source, flagged):
    assert [literal for _, literal in user_facing_literals(source)] == flagged


# --- Babel formats ---------------------------------------------------------------------------

NNBSP = "\u202f"


def test_number_formats():
    assert i18n.number(1270000, "en") == "1,270,000"
    assert i18n.number(1270000, "fr") == f"1{NNBSP}270{NNBSP}000"
    assert i18n.number(1270000, "ar") == "1,270,000"
    assert i18n.number(0.4567, "fr", 2) == "0,46"
    assert i18n.number(None, "fr") == i18n.t("not_known", "fr") == "inconnu"
    assert i18n.number(float("nan"), "ar") == "غير معروف"


def test_percent_formats_and_arabic_digits():
    assert i18n.percent(12.34, "en") == "12.3%"
    arabic = i18n.percent(12.34, "ar")
    assert re.sub("[\u200e\u200f\u061c]", "", arabic) == "12.3%"
    assert not re.search("[\u0660-\u0669\u06f0-\u06f9]", arabic + i18n.number(1270000, "ar"))  # Western digits only
    assert i18n.percent(12.34, "fr").startswith("12,3")
    assert i18n.value(0.5, "index", "fr") == "0,50"
    assert i18n.value(1234.0, "persons", "fr") == f"1{NNBSP}234"


def test_french_percent_keeps_the_space_before_the_sign():
    assert i18n.percent(12.34, "fr") == "12,3\u00a0%"


def test_dates():
    import datetime

    day = datetime.date(2024, 9, 1)
    assert i18n.date(day, "fr") == "1 sept. 2024"
    arabic = i18n.date(day, "ar")
    assert re.sub("[\u200e\u200f\u061c]", "", arabic) == "01/09/2024"  # CLDR medium, Western digits


def test_label_falls_back_to_the_database_label():
    assert i18n.label("cities", "beirut", "fr") == "Beyrouth"
    assert i18n.label("countries", "MAR", "ar") == "المغرب"
    assert i18n.label("countries", "ZZZ", "fr", "Nowhere") == "Nowhere"
    assert i18n.t("trend_title", "ar", city="طنجة", indicator="x") == "طنجة: x"


# --- every page in French and Arabic (AppTest) -----------------------------------------------

_RUNS: dict[tuple[str, str], object] = {}


def _run(page: str, lang: str):
    from streamlit.testing.v1 import AppTest

    if (page, lang) not in _RUNS:
        at = AppTest.from_file("../../app.py", default_timeout=180)
        at.query_params["lang"] = lang
        if page != "overview":
            at.switch_page(f"views/{page}.py")
        at.run()
        _RUNS[(page, lang)] = at
    return _RUNS[(page, lang)]


def text_elements(at) -> list[str]:
    """The texts a reader sees: markdown, captions, titles, headers, messages, metric, button and
    widget labels, expander labels (style blocks left out)."""
    texts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "info", "warning", "error", "success"):
        texts += [str(e.value) for e in getattr(at, kind)]
    texts += [str(m.label) for m in at.metric]
    for kind in ("button", "selectbox", "multiselect", "radio", "slider", "toggle", "segmented_control",
                 "download_button", "expander", "text_input", "checkbox"):
        try:
            texts += [str(e.label) for e in getattr(at, kind)]
        except Exception:  # noqa: BLE001 - an element kind this Streamlit cannot list
            continue
    return [t for t in texts if t.strip() and not t.lstrip().startswith("<style")]


def _proper_names() -> list[str]:
    """City and source names: the same in every language, so not counted."""
    from analytics.db import connect
    import os

    con = connect(os.environ["MC2CM_DB"])
    try:
        names = [r[0] for r in con.execute("SELECT DISTINCT publisher FROM sources WHERE publisher IS NOT NULL").fetchall()]
        names += [r[0] for r in con.execute("SELECT DISTINCT name FROM cities").fetchall()]
    finally:
        con.close()
    for lang in i18n.LANGUAGES:
        names += list((i18n.catalogue(lang)["labels"].get("cities") or {}).values())
    return sorted({n for n in names if n}, key=len, reverse=True)


def countable(text: str, names: list[str], cognates: set[str] = frozenset()) -> bool:
    """False for elements that are only digits/punctuation, only proper names (cities, sources,
    links to their hosts), or a catalogue value that is the same word in both languages."""
    bare = text.replace("\\", "")
    if bare.strip() in cognates:
        return False
    bare = re.sub(r"\[[^\]]*\]\([^)]*\)|https?://\S+", " ", bare)
    for name in names:
        bare = bare.replace(name, " ")
    return bool(LETTER.search(bare))


def identical_share(page: str, lang: str, names: list[str]) -> tuple[float, list[str], int]:
    """Share of the page's countable text elements in ``lang`` that also appear, identical, in
    the English run of the same page."""
    english = {t.strip() for t in text_elements(_run(page, "en"))}
    cognates = {str(i18n.catalogue("en")["texts"][k]) for k in SAME_AS_ENGLISH[lang]}
    shown = [t for t in text_elements(_run(page, lang)) if countable(t, names, cognates)]
    same = [t for t in shown if t.strip() in english]
    return (len(same) / len(shown) if shown else 0.0), same, len(shown)


@pytest.fixture()
def app_database(built_db, monkeypatch):
    monkeypatch.setenv("MC2CM_DB", str(built_db))


# Pages still above the threshold, with the cause (outside the catalogue files). Strict: when the
# cause is fixed the test passes and the xfail must be removed.
KNOWN_GAPS: dict[tuple[str, str], str] = {
    # None left. Below the threshold but still English in fr and ar (1 of 56 elements on the overview):
    # views/overview.py:93 writes the pilot projects with r.city (the English name, not
    # ctx.label("cities", r.city_id, r.city)) and r.detail (English text of data/harmonised/network_activities.csv).
}


@pytest.mark.parametrize("lang", TRANSLATED)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_translated(app_database, page, lang, request):
    if (page, lang) in KNOWN_GAPS:
        request.applymarker(pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(page, lang)]))
    at = _run(page, lang)
    assert not at.exception, [e.message for e in at.exception]
    english = _run(page, "en")
    assert not english.exception
    assert at.title and at.title[0].value != english.title[0].value
    share, same, n = identical_share(page, lang, _proper_names())
    print(f"{page} {lang}: {len(same)}/{n} = {share:.1%} identical to English")
    assert share <= MAX_IDENTICAL, same
