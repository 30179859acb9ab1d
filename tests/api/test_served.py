"""The served application (serve.py: ``st.App("app.py", routes=..., middleware=...)``): the
Streamlit app and the API answer on the same server; the page's HTML carries the meta tags
even when the browser asks for gzip. Starts the Streamlit runtime (about 4 s): marked slow."""
from __future__ import annotations


def test_app_and_api_on_one_server(monkeypatch, built_db):
    from starlette.testclient import TestClient

    monkeypatch.setenv("MC2CM_DB", str(built_db))
    import serve

    with TestClient(serve.app) as client:
        page = client.get("/city?city=vienna", headers={"Accept-Encoding": "gzip, br"})
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert 'property="og:image" content="http://testserver/chart/city.png?city=vienna' in page.text
        assert client.get("/_stcore/health").text == "ok"
        api = client.get("/api/v1/cities/vienna")
        assert api.status_code == 200 and api.json()["name"] == "Vienna"
        assert client.get("/api/v1/nothing").json()["error"]["status"] == 404
