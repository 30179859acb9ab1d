"""MC2CM city migration dashboard: router, page registry, language, presenter mode, shared sidebar.

The pages live in ``views/`` (not ``pages/``): Streamlit runs a ``pages/`` folder beside the
main script as a multipage app of its own, which bypassed this router on deep links.
"""
from pathlib import Path

import duckdb
import streamlit as st

from i18n import LANGUAGES, is_rtl, t
from ui import data as ui_data
from ui.pages import DEFAULT_PAGE
from ui.pages import PAGES as REGISTRY
from ui.widgets import VIEW, flag, lang, select, view_params

# A local favicon (ui/assets/favicon.png): a ":material/..." page icon is drawn from a font fetched from an outside host.
FAVICON = str(Path(__file__).resolve().parent / "ui" / "assets" / "favicon.png")
st.set_page_config(page_title="MC2CM", page_icon=FAVICON, layout="wide")

if VIEW not in st.session_state:
    st.session_state[VIEW] = {}
raw_lang = st.query_params.get("lang")
if raw_lang in LANGUAGES:
    st.session_state[VIEW]["lang"] = raw_lang
language = lang()
# Read before st.navigation, which hands the page a fresh copy of the query string.
present = flag("present")
# One chart alone (for an iframe) with ?chart=<key>. Embed links also carry Streamlit's own reserved
# ?embed=true, which hides its toolbar; Streamlit keeps that parameter from the app, hence `chart`.
embed = bool(st.query_params.get("chart"))

PAGES: dict = {}
for info in REGISTRY:  # the one page registry (ui.pages)
    PAGES.setdefault(t(info.group, language), []).append(
        st.Page(info.script, title=t(info.title_key, language), icon=info.icon, url_path=info.id,
                default=info.id == DEFAULT_PAGE))
# Our own sidebar links instead of Streamlit's navigation list: its markup fails the accessibility
# audit (list items outside a list), and our links carry the language to the next page.
page = st.navigation(PAGES, position="hidden")
st.session_state["_page_charts"] = []
st.session_state["_pending_links"] = []
st.session_state["_page_path"] = page.url_path or DEFAULT_PAGE



def database_unavailable(holder=None):
    """The one "database not available" page (at start, or when a read fails while a page runs:
    ``holder`` then drops what the page had drawn, so no number of a damaged file stays shown)."""
    if holder is not None:
        holder.empty()
    st.title(t("db_missing_title", language))
    st.error(t("db_missing_body", language), icon=":material/database_off:")
    st.code("make build", language="bash")
    st.stop()


def run_page():
    """``page.run()``; a database read error at any moment gives the "not available" page."""
    holder = st.empty()
    try:
        with holder.container():
            page.run()
    except (ui_data.DatabaseUnavailable, duckdb.Error):
        database_unavailable(holder)


# The database must be readable before any page runs: otherwise a clear page, no traceback.
# The run is pinned to the data version current now: the whole page comes from one version.
try:
    ui_data.begin_run()
except Exception:  # noqa: BLE001 - every failure to open the database gets the same page
    database_unavailable()

if embed:  # one chart alone, for an iframe: no sidebar, header, widgets or text
    st.session_state["_embed_shown"] = False
    run_page()
    if st.session_state["_embed_shown"]:
        st.markdown("""<style>
            [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
            .block-container, [data-testid="stMainBlockContainer"] {padding: 0.5rem !important; max-width: 100%;}
            [data-testid="stAppViewContainer"] [data-testid="stMain"] {padding-top: 0 !important;}
            [data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]:not(:has(.stPlotlyChart)):not(:has(.mc2cm-embed-back)) {display: none;}
            [data-testid="stMainBlockContainer"] [data-testid="stLayoutWrapper"]:not(:has(.stPlotlyChart)):not(:has(.mc2cm-embed-back)) {display: none;}
            [data-testid="stMainBlockContainer"] [data-testid="stVerticalBlock"] {gap: 0.5rem;}
            .mc2cm-embed-back {margin: 0; font-size: 0.95rem;}
            [data-testid="stMainBlockContainer"] [data-testid="stExpander"] {display: none;}
        </style>""", unsafe_allow_html=True)
    else:
        st.info(t("embed_unknown_chart", language))
    st.stop()
language_names = {code: t(f"language_{code}", code) for code in LANGUAGES}
if present:
    bar = st.columns([5, 2, 2, 2])
    # page navigation in presenter mode (the sidebar is hidden): the same links, filled after the page has run
    navigation_box = bar[1].popover(t("present_pages", language), icon=":material/menu:", use_container_width=True)
    with bar[2]:
        if select(t("language", language), list(LANGUAGES), "lang", format_func=language_names.get, default="en",
                  kind="selectbox") != language:
            st.rerun()
    with bar[3]:
        if st.button(t("present_exit", language), icon=":material/close_fullscreen:"):
            st.session_state[VIEW]["present"] = False
            st.query_params["present"] = "0"
            st.rerun()
    st.markdown("""<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"] {display: none;}
        header[data-testid="stHeader"] {background: transparent;}
        .block-container {padding-top: 2.5rem; max-width: 100%;}
        h1 {font-size: 2.4rem !important;} p, li, label {font-size: 1.15rem !important;}
    </style>""", unsafe_allow_html=True)
else:
    with st.sidebar:
        # filled after the page has run: the links carry the ids the page's controls hold now
        navigation_box = st.container()
        st.divider()
        chosen = select(t("language", language), list(LANGUAGES), "lang", format_func=language_names.get, default="en",
                        kind="selectbox")
        if chosen != language:  # the whole page, sidebar included, in the new language on this very switch
            st.rerun()
        if st.toggle(t("present_toggle", language), value=False, key="present_toggle", help=t("present_help", language)):
            st.session_state[VIEW]["present"] = True
            st.query_params["present"] = "1"
            st.rerun()
        st.caption(t("sidebar_note", language))
st.session_state[VIEW]["present"] = present
if present:
    st.query_params["present"] = "1"
elif "present" in st.query_params:
    del st.query_params["present"]
select(t("image_format", language), ["png", "svg"], "image_format", format_func=str.upper, default="png",
       kind="radio", container=st.sidebar if not present else bar[0])

# Focus ring and caption contrast (WCAG 2.2 AA), and right to left for Arabic.
css = """
.block-container {padding-top: 2.5rem;}
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {color: #4A5560 !important; opacity: 1 !important;}
[data-testid="stCaptionContainer"] a {color: #0B5C8C !important;}
h2 {font-size: 1.6rem !important;}
a:focus-visible, button:focus-visible, [tabindex]:focus-visible, input:focus-visible {outline: 3px solid #0B5C8C !important;
  outline-offset: 2px;}
@media (max-width: 639px) {  /* a phone: the chart's modebar above the chart, not on its title */
  [data-testid="stPlotlyChart"] {margin-top: 28px; overflow: visible;}
  [data-testid="stPlotlyChart"] .modebar-container {top: -28px !important;}
}
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *, [data-testid="stPageLink"] * {white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important;}
"""
if is_rtl(language):
    css += """
[data-testid="stMain"], [data-testid="stSidebar"] {direction: rtl; text-align: right;}
[data-testid="stMain"] h1, [data-testid="stMain"] h2, [data-testid="stMain"] h3 {text-align: right;}
[data-testid="stMain"] ul {padding-right: 1.2rem; padding-left: 0;}
[data-testid="stDataFrame"] {direction: ltr;}
"""
st.markdown(f"<style>{css}</style>", unsafe_allow_html=True)
# The document's language and direction as attributes (screen readers, browser shaping, tests).
direction = "rtl" if is_rtl(language) else "ltr"
# A phone (below 640 px): the server draws its charts for a narrow screen (cookie NARROW_COOKIE; the
# first page is drawn once more when the cookie was not yet known), and the sidebar menu closes
# when one of its links is tapped.
from ui.render import NARROW_COOKIE, narrow  # noqa: E402

drawn_narrow = "1" if narrow() else "0"
PAGE_JS = (Path(__file__).resolve().parent / "ui" / "assets" / "page.js").read_text(encoding="utf-8")
script = (PAGE_JS.replace("__LANG__", language).replace("__DIR__", direction).replace("__COOKIE__", NARROW_COOKIE)
          .replace("__DRAWN__", drawn_narrow))
st.html("<script>" + script + "</script>", unsafe_allow_javascript=True, width="content")
run_page()
from ui.render import fill_view_links  # noqa: E402 - after the page: its controls' ids are all in the URL

fill_view_links()


def page_links(box) -> None:
    """The links to every page of the registry, grouped, carrying the view's ids (language,
    city, cities): the sidebar's navigation, and presenter mode's (its sidebar is hidden)."""
    with box:
        for section, pages in PAGES.items():
            st.markdown(f"**{section}**")
            for item in pages:
                st.page_link(item, label=item.title, icon=item.icon, query_params=view_params(language))


page_links(navigation_box)
charts = list(st.session_state["_page_charts"])
if charts:  # the page ZIP, in presenter mode too
    from ui.render import view_url

    def _charts_zip(charts=charts, title=page.title, url=view_url()):
        from briefs.page_charts import page_charts_zip

        return page_charts_zip(charts, language, title, url)

    st.divider()
    st.download_button(t("download_all_charts", language), _charts_zip, f"mc2cm-{page.url_path or 'overview'}-charts.zip",
                       "application/zip", icon=":material/folder_zip:", key="page_charts_zip")
