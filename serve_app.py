"""The web server's entry point: the dashboard (``app.py``) behind the security headers of
``deploy/security.py`` (Streamlit sets none itself; ``st.App`` takes ASGI middleware).

    streamlit run serve_app.py          # make run, deploy/replica.sh

AppTest and the page tests run ``app.py`` directly: the headers belong to the server, not to a page.
"""
import streamlit as st
from starlette.middleware import Middleware

from deploy.security import SecurityHeaders

app = st.App("app.py", middleware=[Middleware(SecurityHeaders)])
