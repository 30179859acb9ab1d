"""Concurrent sessions without a browser: websocket clients that speak Streamlit's protocol.

Each simulated session is one websocket connection to ``/_stcore/stream`` (as the browser's),
sending ``BackMsg.rerun_script`` (page by its URL path, query string, widget states) and
reading ``ForwardMsg`` until ``script_finished``. The time of a step is from the request to
``script_finished``: the server's page time as a user waits for it, without a browser drawing
(a browser per session would measure 50 Chromium tabs drawing on the same 2 cores).

A filter change is what the browser sends when a control changes: the widget's new value in
``widget_states`` (selectbox: the option's label; multiselect: the labels; segmented control:
the label in a list), found by the widget's key (``w:<page>:<param>:...``, ui/widgets.py) in the page's deltas.

"Same numbers": a SHA-256 of every plotly chart's spec and every metric's value after each
step, compared across sessions.

Data versions (``watch``: the version strings to look for): each step records which of them
appear in its charts (every chart's source line names the data version), captions and text,
so a test can check that no page shows two versions (tests/e2e/test_proxy.py).

Through a proxy (``affinity=True``, deploy/): a session first GETs the page as a browser does,
keeps the affinity cookie nginx sets (and the ``X-MC2CM-Replica`` header naming the replica),
and opens its websocket with that cookie. If the websocket drops (a replica killed), the
session reconnects through the proxy, as Streamlit's browser client does, and reopens its view
from its URL (the page and the query string the app last wrote) with its widget states.
"""
from __future__ import annotations

import asyncio
import hashlib
import time

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

# page -> (widget key prefix, kind) of the filter changed in the session loop
SESSION_FILTERS = {
    "overview": ("cities", "multiselect"),
    "city": ("city", "selectbox"),
    "compare": ("indicator", "selectbox"),
    "spatial": ("map", "segmented"),
    "explorer": ("cities", "multiselect"),
}


class Session:
    """One Streamlit session over a websocket."""

    def __init__(self, port: int, affinity: bool = False, watch: tuple[str, ...] = ()):
        self.port = port
        self.watch = tuple(watch)
        self.last_versions: tuple[str, ...] = ()  # the watched strings the last rendered step showed
        self.url = f"ws://127.0.0.1:{port}/_stcore/stream"
        self.ws = None
        self.widgets: dict[str, object] = {}  # widget id -> element proto (last run)
        self.last_exception = ""
        self.affinity = affinity
        self.cookie = ""
        self.replica = ""  # the replica nginx sent the page request to (X-MC2CM-Replica)
        self.replicas_seen: list[str] = []
        self.query = "lang=en"  # the URL's query string, as the app last wrote it (page_info_changed)

    async def _page_request(self, page: str = ""):
        """GET the page through the proxy as a browser would: keeps the affinity cookie."""
        import urllib.request

        def get():
            request = urllib.request.Request(f"http://127.0.0.1:{self.port}/{page}",
                                             headers={"Cookie": self.cookie} if self.cookie else {})
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
                return response.headers.get("Set-Cookie", ""), response.headers.get("X-MC2CM-Replica", "")

        set_cookie, replica = await asyncio.to_thread(get)
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        self.replica = replica
        self.replicas_seen.append(replica)

    async def open(self, page: str = ""):
        import websockets

        if self.affinity:
            await self._page_request(page)
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.ws = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=2**28,
                                           open_timeout=60, ping_interval=None, additional_headers=headers)

    async def close(self):
        if self.ws is not None:
            await self.ws.close()

    async def run(self, page: str, query: str = "lang=en", widget_states=None, timeout: float = 300):
        """Request a run of ``page``; returns (ms until script_finished, digest, exceptions)."""
        self.query = query
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = "" if page == "overview" else page
        if widget_states is not None:
            msg.rerun_script.widget_states.widgets.extend(widget_states)
        start = time.perf_counter()
        await self.ws.send(msg.SerializeToString())
        digest, exceptions, widgets, seen = hashlib.sha256(), 0, {}, set()
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), timeout)
            fwd = ForwardMsg()
            fwd.ParseFromString(raw)
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                element = fwd.delta.new_element
                what = element.WhichOneof("type")
                if what == "plotly_chart":
                    digest.update(element.plotly_chart.spec.encode())
                    seen.update(v for v in self.watch if v in element.plotly_chart.spec)
                elif what == "metric":
                    digest.update(element.metric.body.encode())
                elif what in ("markdown", "code") and self.watch:
                    text = element.markdown.body if what == "markdown" else element.code.code_text
                    seen.update(v for v in self.watch if v in text)
                elif what == "exception":
                    exceptions += 1
                    self.last_exception = f"{element.exception.type}: {element.exception.message}"[:300]
                elif what in ("selectbox", "multiselect", "button_group"):
                    proto = getattr(element, what)
                    widgets[proto.id] = (what, proto)
            elif kind == "page_info_changed":
                self.query = fwd.page_info_changed.query_string
            elif kind == "script_finished":
                # 0 = finished successfully; 1 = with error; 2 = rerun requested (another run follows)
                if fwd.script_finished in (0, 1, 3):
                    break
        self.widgets = widgets
        self.last_versions = tuple(sorted(seen))
        return (time.perf_counter() - start) * 1000, digest.hexdigest()[:16], exceptions

    def changed(self, key: str, kind: str, step: int):
        """Widget states with the filter ``key`` changed to another value (``step`` picks which)."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        from ui.widgets import is_widget_of

        for wid, (what, proto) in self.widgets.items():
            if not is_widget_of(wid, key):
                continue
            state = WidgetState(id=wid)
            options = list(proto.options)
            if what == "selectbox":
                current = proto.raw_value if proto.HasField("raw_value") else (options[proto.default] if options else "")
                others = [o for o in options if o != current] or options
                state.string_value = others[step % len(others)]
            elif what == "multiselect":
                current = list(proto.raw_values) if len(proto.raw_values) else [options[i] for i in proto.default]
                drop = current[step % len(current)] if len(current) > 1 else None
                state.string_array_value.data.extend([o for o in current if o != drop] or options[:1])
            else:  # segmented control (button_group)
                labels = [o.content for o in proto.options]
                current = [labels[i] for i in proto.default] if len(proto.default) else labels[:1]
                others = [o for o in labels if o not in current] or labels
                state.string_array_value.data.extend([others[step % len(others)]])
            return [state]
        raise LookupError(f"no {kind} widget for {key}")


def link_query(query: str) -> str:
    """The query string of the sidebar's link to another page from the page at ``query``: the
    language and the shared ids (city, cities), as ``ui.widgets.view_params`` writes them, so a
    session walks the pages as a browser does and a reconnected one reopens the same view."""
    from urllib.parse import parse_qsl, urlencode

    from ui.widgets import SHARED_PARAMS

    params = dict(parse_qsl(query))
    kept = {key: params[key] for key in ("lang", *SHARED_PARAMS) if params.get(key)}
    return urlencode(kept or {"lang": "en"})


def _dropped(error: Exception) -> bool:
    """The connection was lost (the replica died or restarted), not a slow or failed page."""
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    if isinstance(error, TimeoutError):  # a slow page (TimeoutError is an OSError): not a lost connection
        return False
    return isinstance(error, (ConnectionClosed, InvalidStatus, OSError, EOFError))


async def _step(session: Session, page: str, change, timeout: float, reconnects: list, reconnect_s: float):
    """One run; if the connection drops (a replica killed), reconnect through the proxy to
    another replica, reopen the view from the URL the app last wrote (a new session: the page
    and its query string, as the browser does on reconnecting), then repeat this step's filter
    change, if it was one (``change``: the filter as (key, kind), its widget state taken from the
    session's own last run). The time of a step runs from its first request to the rendered
    page, reconnection included."""
    start = time.perf_counter()
    deadline = time.monotonic() + reconnect_s
    url_query = session.query  # the URL after the last rendered step
    load_query = link_query(url_query)  # a page reached from the sidebar: its link's ids
    while True:
        try:
            widget_states = session.changed(*change, 0) if change else None
            # A filter change reruns the page at the URL it shows; a load opens the sidebar's link.
            query = session.query if change else load_query
            _, digest, exc = await session.run(page, query=query, widget_states=widget_states, timeout=timeout)
            return (time.perf_counter() - start) * 1000, digest, exc
        except Exception as error:  # noqa: BLE001
            if not (session.affinity and _dropped(error)) or time.monotonic() > deadline:
                raise
            reconnects.append(f"{page}: {type(error).__name__} on {session.replica}")
            while True:
                try:
                    await session.close()
                    await session.open("" if page == "overview" else page)
                    if change:  # reopen the view from the URL, then the filter change again
                        await session.run(page, query=url_query, timeout=timeout)
                    break
                except Exception as again:  # noqa: BLE001 - the proxy or every replica not ready yet: retry
                    if not _dropped(again) or time.monotonic() > deadline:
                        raise
                    await asyncio.sleep(0.5)


async def session_loop(port: int, pages, timeout: float, index: int, affinity: bool = False, on_step=None,
                       reconnect_s: float = 60, watch: tuple[str, ...] = (), deadline: float | None = None):
    """One session over ``pages``: load each, then change its filter. Returns steps, errors and
    the session's record (replicas it was served by, reconnections; with ``watch``, per step:
    page, step, the watched versions shown, digest, wall-clock start and end).

    ``deadline`` (``time.monotonic()``): no page is asked for after it, and a page still being
    computed then is abandoned; such steps are counted in the record's ``cut`` (with how long
    they had waited, in ``cut_ms``), not as errors: a bound on a benchmark row's duration."""
    steps, errors, reconnects, shown, cut_ms = [], [], [], [], []
    session = Session(port, affinity=affinity, watch=watch)
    planned = sum(2 if page in SESSION_FILTERS else 1 for page in pages)
    opened_at = time.perf_counter()
    open_ms = None

    def bounded(step_timeout):
        return step_timeout if deadline is None else max(0.1, min(step_timeout, deadline - time.monotonic()))

    try:
        await session.open()
        open_ms = (time.perf_counter() - opened_at) * 1000
        for page in pages:
            if deadline is not None and time.monotonic() >= deadline:
                break
            began_perf = time.perf_counter()
            try:
                began = time.time()
                ms, digest, exc = await _step(session, page, None, bounded(timeout), reconnects, reconnect_s)
                steps.append((page, "load", ms, digest))
                shown.append((page, "load", session.last_versions, digest, began, time.time()))
                if exc:
                    errors.append(f"session {index} {page}: {exc} exception(s): {session.last_exception}")
                if on_step is not None:
                    await on_step(index, page)
                if page in SESSION_FILTERS:
                    key, kind = SESSION_FILTERS[page]
                    if deadline is not None and time.monotonic() >= deadline:
                        break
                    began, began_perf = time.time(), time.perf_counter()
                    ms, digest, exc = await _step(session, page, (key, kind), bounded(timeout), reconnects, reconnect_s)
                    steps.append((page, "filter", ms, digest))
                    shown.append((page, "filter", session.last_versions, digest, began, time.time()))
                    if exc:
                        errors.append(f"session {index} {page} filter: {exc} exception(s)")
            except Exception as error:  # noqa: BLE001 - recorded, the loop goes on
                if deadline is not None and time.monotonic() >= deadline - 0.05 and isinstance(error, asyncio.TimeoutError):
                    cut_ms.append((time.perf_counter() - began_perf) * 1000)  # abandoned at the row's bound
                    break
                errors.append(f"session {index} {page}: {type(error).__name__}: {str(error)[:200]}")
    except Exception as error:  # noqa: BLE001
        errors.append(f"session {index}: {type(error).__name__}: {str(error)[:200]}")
    finally:
        await session.close()
    return steps, errors, {"replicas": session.replicas_seen, "reconnects": reconnects,
                           "digests": {f"{page}/{step}": digest for page, step, _, digest in steps},
                           "errors": len(errors), "steps": len(steps), "shown": shown, "planned": planned,
                           "cut": planned - len(steps) if deadline is not None and not errors else 0,
                           "cut_ms": cut_ms, "open_ms": open_ms, "first_ms": steps[0][2] if steps else None}


async def concurrent_sessions(port, n: int, pages, timeout: float = 300, affinity: bool = False, on_step=None,
                              watch: tuple[str, ...] = (), deadline: float | None = None):
    """``n`` sessions at once, each one pass over ``pages``. Returns the summary dict.

    ``port``: one server, or a list of ports of replicas (session ``i`` on ``ports[i % len]``:
    what a load balancer with sticky sessions does, docs/scaling.md), or with ``affinity`` the
    port of the nginx proxy (deploy/), which spreads the sessions by its cookie. ``on_step``:
    an async callback ``(session index, page)`` after each page load (the fault tests).
    ``watch``: data version strings recorded per step (each session's ``shown``). ``deadline``:
    ``time.monotonic()`` after which no step starts and steps in flight are abandoned (counted in
    ``cut``; the digests are then compared over the sessions that got that far)."""
    ports = list(port) if isinstance(port, (list, tuple)) else [port]
    start = time.perf_counter()
    results = await asyncio.gather(*(session_loop(ports[i % len(ports)], pages, timeout, i, affinity, on_step,
                                                  watch=watch, deadline=deadline) for i in range(n)))
    wall = time.perf_counter() - start
    times, errors, digests, sessions = [], [], {}, []
    for i, (steps, errs, record) in enumerate(results):
        errors += errs
        sessions.append(record)
        for page, step, ms, digest in steps:
            times.append(ms)
            digests.setdefault((page, step), {})[i] = digest
    differing = {f"{k[0]}/{k[1]}": len(set(v.values())) for k, v in digests.items() if len(set(v.values())) > 1}
    identical = not differing and (deadline is not None or all(len(v) == n for v in digests.values())) and bool(digests)
    return {"cut": sum(s["cut"] for s in sessions), "cut_ms": [ms for s in sessions for ms in s["cut_ms"]],
            "open_ms": [s["open_ms"] for s in sessions if s["open_ms"] is not None],
            "times": times, "errors": errors, "identical": identical, "differing": differing,
            "steps_compared": len(digests), "wall_s": wall, "sessions": sessions}
