"""The served application: the Streamlit app (``app.py``, its router and pages) and the public
data API (``api``: /api/v1, /chart, Open Graph tags) on the same server and port.

``make run`` runs ``streamlit run serve.py``; ``uvicorn serve:app`` works too. ``st.App`` lives
here, not in app.py: inside the router script it broke ``st.page_link``.
"""
import streamlit as st

import api

app = st.App("app.py", routes=api.routes(), middleware=api.middleware())
