"""Make sure the app runs under app.py's st.navigation router.

Streamlit treats a ``pages/`` folder beside the main script as a "v1" multipage app until
``st.navigation`` has been called once in the process: if the very first request after a
restart is a deep link (e.g. /compare), Streamlit runs that page file alone, without the
router, sidebar and theme. Every page calls ``ensure_router()`` first: in that case it
switches Streamlit to the router and reruns, so deep links work from the first request.
"""
import streamlit as st


def ensure_router() -> None:
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()
