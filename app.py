"""MC2CM city migration dashboard: router, page registry, theme."""
import streamlit as st

st.set_page_config(page_title="MC2CM city migration dashboard", page_icon=":material/public:", layout="wide")

PAGES = [
    st.Page("pages/overview.py", title="Overview", icon=":material/public:", default=True, url_path="overview"),
]
st.navigation(PAGES).run()
