"""One way to run a page of the app under AppTest (shared by the page tests)."""
from __future__ import annotations

from streamlit import config as streamlit_config
from streamlit.testing.v1 import AppTest

streamlit_config.set_option("client.showErrorDetails", "full")  # users see none (config.toml); tests see the error


def run_page(page: str, params: dict | None = None, timeout: int = 180) -> AppTest:
    """Run ``views/<page>.py`` through the router (app.py) with ``params`` in the query string."""
    at = AppTest.from_file("../../app.py", default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    if page != "overview":
        at.switch_page(f"views/{page}.py")
    at.run()
    return at
