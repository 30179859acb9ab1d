"""MC2CM city migration dashboard: router, page registry, theme, shared sidebar."""
import streamlit as st

from ui.texts import t

st.set_page_config(page_title=t("app_title"), page_icon=":material/public:", layout="wide")

PAGES = {
    "Dashboard": [
        st.Page("pages/overview.py", title="Overview", icon=":material/public:", default=True, url_path="overview"),
        st.Page("pages/city.py", title="City profile", icon=":material/location_city:", url_path="city"),
        st.Page("pages/compare.py", title="Compare cities", icon=":material/bar_chart:", url_path="compare"),
        st.Page("pages/spatial.py", title="Spatial distribution", icon=":material/map:", url_path="spatial"),
        st.Page("pages/origins.py", title="Origins", icon=":material/flight_land:", url_path="origins"),
        st.Page("pages/themes.py", title="Themes", icon=":material/category:", url_path="themes"),
    ],
    "Data": [
        st.Page("pages/explorer.py", title="Data explorer", icon=":material/table_view:", url_path="explorer"),
        st.Page("pages/coverage.py", title="Data coverage", icon=":material/grid_on:", url_path="coverage"),
        st.Page("pages/methods.py", title="Methods and sources", icon=":material/menu_book:", url_path="methods"),
    ],
}

page = st.navigation(PAGES)
if st.query_params.get("present") in ("1", "yes", "on") and "present" not in st.session_state:
    st.session_state["present"] = True  # ?present=1 as well as ?present=true
with st.sidebar:
    st.toggle(t("present_toggle"), key="present", help=t("present_help"), bind="query-params")
    st.radio(t("image_format"), ["png", "svg"], key="image_format", horizontal=True, format_func=str.upper)
    st.caption("Every figure carries its source, year, definition and territory. Hover a chart or open "
               "“Data behind this chart” to see them.")
if st.session_state.get("present"):
    st.markdown("""<style>
        [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header[data-testid="stHeader"] {display: none;}
        .block-container {padding-top: 1rem; max-width: 100%;}
        h1 {font-size: 2.6rem !important;} p, li, label {font-size: 1.2rem !important;}
    </style>""", unsafe_allow_html=True)
page.run()
