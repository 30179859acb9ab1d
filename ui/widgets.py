"""Filter widgets bound to the URL (Streamlit's bind="query-params"), with a clear message
when a link carries an unknown or hostile value (the widget falls back to its default)."""
from __future__ import annotations

from typing import Callable, Sequence

import streamlit as st

from ui.texts import t

MAX_PARAM = 200


def _check_param(key: str, valid: Sequence[str], what: str, default_label: str) -> None:
    raw = st.query_params.get(key)
    if raw is None or raw == "":
        return
    if raw not in valid:
        shown = raw if len(raw) <= 40 else raw[:40] + "…"
        st.info(t("unknown_param", value=shown, what=what, default=default_label), icon=":material/link_off:")


def select(label: str, options: Sequence, key: str, format_func: Callable = str, default=None,
           what: str | None = None, container=None, help: str | None = None):
    """A selectbox bound to the URL query parameter ``key`` (value = the option's label)."""
    container = container or st
    options = list(options)
    if not options:
        container.warning(t("no_data"))
        return None
    index = options.index(default) if default in options else 0
    _check_param(key, [str(format_func(o)) for o in options], what or label.lower(), str(format_func(options[index])))
    return container.selectbox(label, options, index=index, key=key, format_func=format_func, bind="query-params", help=help)


def multiselect(label: str, options: Sequence, key: str, format_func: Callable = str, default=None, container=None):
    """A multiselect bound to the URL (unknown values in the link are dropped with a message)."""
    container = container or st
    options = list(options)
    raw = st.query_params.get_all(key) if hasattr(st.query_params, "get_all") else []
    valid = {str(format_func(o)) for o in options}
    unknown = [v for part in raw for v in str(part).split(",") if v and v not in valid]
    if unknown:
        st.info(t("unknown_param", value=", ".join(unknown)[:40], what=label.lower(), default="the valid values"),
                icon=":material/link_off:")
    return container.multiselect(label, options, default=default, key=key, format_func=format_func, bind="query-params")
