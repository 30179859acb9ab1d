"""Controls bound to the URL by id.

Every control that changes what is shown writes its value's *id* to the query string
(``?city=vienna&indicator=foreign_born_share``), so a copied link reopens the same view and
links survive label edits and translations. Values are also kept in the session (``VIEW``),
so they survive a switch to another page where the same parameter applies. An unknown or
hostile value in a link gives a short message and the default.
"""
from __future__ import annotations

import re

from typing import Callable, Sequence

import streamlit as st

from i18n import t

VIEW = "_view"
MAX_SHOWN = 40


def lang() -> str:
    from i18n import language

    return language(st.session_state.get(VIEW, {}).get("lang") or st.query_params.get("lang"))


def _store() -> dict:
    return st.session_state.setdefault(VIEW, {})


def _unknown(raw: str, what: str, default_label: str) -> None:
    shown = raw if len(raw) <= MAX_SHOWN else raw[:MAX_SHOWN] + "…"
    st.info(t("unknown_param", lang(), value=shown, what=what, default=default_label), icon=":material/link_off:")


def _widget_key(key: str, valid: Sequence[str]) -> str:
    # A new widget when the options change (another city has other groups) or the language
    # changes: its state never holds a value that is not among its options, and never a label
    # of another language (Streamlit keeps a widget's value by its formatted option: after a
    # switch a label of the old language matched nothing, and the city was dropped). The view
    # itself is ids, in the URL and the session (VIEW), and seeds the new widget.
    # Per page, too: a page reached from another has widgets of its own, seeded from the view
    # (a widget of the same key left by the previous page made Streamlit open an empty one).
    page = st.session_state.get("_page_path", "")
    return f"w:{page}:{key}:{lang()}:{hash(tuple(valid)) & 0xFFFFFFFF:x}"


def is_widget_of(widget_id: str, key: str) -> bool:
    """Whether Streamlit's ``widget_id`` is the widget of the view id ``key`` (its user key,
    written by ``_widget_key`` as ``w:<page>:<key>:<lang>:<options hash>``, sits inside the id).
    For clients that drive the app over its websocket (benchmarks/sessions.py)."""
    return re.search(rf"w:[^:]*:{re.escape(key)}:", widget_id) is not None


SHARED_PARAMS = ("city", "cities")  # ids every page that has them reads the same way (others stay in the session)


def view_params(language: str | None = None) -> dict[str, str]:
    """The ids of the view a link to another page carries (language, city, cities; the other
    controls' ids stay in the session, VIEW), from the URL and the session: a page reached from the sidebar opens with the selection the user had."""
    store = _store()
    out = {"lang": language or lang()}
    for key in SHARED_PARAMS:
        value = st.query_params.get(key) or store.get(key)
        if isinstance(value, (list, tuple)):
            value = ",".join(str(v) for v in value)
        if value not in (None, ""):
            out[key] = str(value)
    return out


def _initial_one(key: str, options: list, default, what: str, format_func: Callable):
    valid = [str(o) for o in options]
    fallback = default if default in options else options[0]
    raw = st.query_params.get(key)
    if raw not in (None, ""):
        if raw in valid:
            return options[valid.index(raw)]
        _unknown(raw, what, str(format_func(fallback)))
        return fallback
    stored = _store().get(key)
    if stored is not None and str(stored) in valid:
        return options[valid.index(str(stored))]
    return fallback


def _remember(key: str, value) -> None:
    _store()[key] = value
    text = "" if value is None else str(value)
    if st.query_params.get(key) != text:
        st.query_params[key] = text


def select(label: str, options: Sequence, key: str, format_func: Callable = str, default=None,
           what: str | None = None, container=None, help: str | None = None, kind: str = "selectbox"):
    """A selectbox (or ``kind="segmented"`` / ``"radio"``) whose value's id is in the URL as ``key``."""
    container = container or st
    options = list(options)
    if not options:
        container.warning(t("no_data", lang()))
        return None
    initial = _initial_one(key, options, default, what or label.lower(), format_func)
    wkey = _widget_key(key, [str(o) for o in options])
    if kind == "segmented":
        if wkey not in st.session_state:
            st.session_state[wkey] = initial
        value = container.segmented_control(label, options, key=wkey, format_func=format_func, help=help) or initial
    elif kind == "radio":
        value = container.radio(label, options, index=options.index(initial), key=wkey, format_func=format_func,
                                horizontal=True, help=help)
    else:
        value = container.selectbox(label, options, index=options.index(initial), key=wkey, format_func=format_func,
                                    help=help, placeholder=t("choose_option", lang()))
    _remember(key, value)
    return value


def multiselect(label: str, options: Sequence, key: str, format_func: Callable = str, default=(),
                container=None, help: str | None = None, max_selections: int | None = None) -> list:
    """A multiselect whose ids are in the URL as ``key=a,b,c`` (unknown ids dropped with a message)."""
    container = container or st
    options = list(options)
    valid = {str(o): o for o in options}
    raw = st.query_params.get(key)
    if raw not in (None, ""):
        parts = [p for p in str(raw).split(",") if p]
        unknown = [p for p in parts if p not in valid]
        if unknown:
            _unknown(", ".join(unknown), label.lower(), t("the_valid_values", lang()))
        initial = [valid[p] for p in dict.fromkeys(parts) if p in valid]
    elif key in _store():
        initial = [o for o in _store()[key] if o in options]
    else:
        initial = [o for o in default if o in options]
    wkey = _widget_key(key, list(valid))
    if wkey not in st.session_state:
        st.session_state[wkey] = initial
    value = container.multiselect(label, options, key=wkey, format_func=format_func, help=help,
                                  max_selections=max_selections, placeholder=t("choose_options", lang()))
    _store()[key] = list(value)
    text = ",".join(str(v) for v in value)
    if st.query_params.get(key, "") != text:
        st.query_params[key] = text
    return list(value)


def year_range(label: str, key: str, low: int, high: int, container=None) -> tuple[int, int]:
    """A years slider bound to the URL as ``key=2000-2020`` (clipped to the data's years)."""
    container = container or st
    initial = (low, high)
    raw = st.query_params.get(key)
    if raw not in (None, ""):
        try:
            a, b = (int(p) for p in str(raw).split("-", 1))
            initial = (max(low, min(a, b)), min(high, max(a, b)))
        except ValueError:
            _unknown(str(raw), label.lower(), f"{low}-{high}")
    elif key in _store():
        initial = tuple(_store()[key])
    wkey = _widget_key(key, [str(low), str(high)])
    if wkey not in st.session_state:
        st.session_state[wkey] = initial
    value = container.slider(label, low, high, key=wkey)
    _store()[key] = tuple(value)
    text = f"{value[0]}-{value[1]}"
    if st.query_params.get(key) != text:
        st.query_params[key] = text
    return tuple(value)


def flag(key: str) -> bool:
    """A boolean view parameter (``?present=1``) read from the URL or the session."""
    from analytics.rules import parse_bool

    raw = st.query_params.get(key)
    if raw not in (None, ""):
        return parse_bool(raw)
    return bool(_store().get(key, False))
