"""The served application: the Streamlit app (``app.py``, its router and pages) and the public
data API (``api``: /api/v1, /chart, Open Graph tags) on the same server and port, behind the
security headers of ``deploy/security.py`` (Streamlit 1.67 sets none itself; ``st.App`` takes
ASGI middleware).

``make run`` and ``deploy/replica.sh`` run ``streamlit run serve.py``; ``uvicorn serve:app`` works
too. ``st.App`` lives here, not in app.py: inside the router script it broke ``st.page_link``.
AppTest and the page tests run ``app.py`` directly: the headers belong to the server, not to a page.
"""
import streamlit as st
from starlette.middleware import Middleware

import api
from deploy.security import SecurityHeaders

app = st.App("app.py", routes=api.routes(), middleware=[Middleware(SecurityHeaders), *api.middleware()])
