"""The brief panel of the City profile and Compare pages: choose a format, make the brief with
visible progress (it takes seconds), then download it; a missing dependency says what is missing."""
from __future__ import annotations

import streamlit as st

from figures.context import Context
from ui.data import cursor
from ui.widgets import select


def brief_panel(kind: str, ctx: Context, **target) -> None:
    """``kind``: ``city`` (``city_id=``) or ``comparison`` (``city_ids=``, ``indicator=``)."""
    import briefs

    with st.expander(ctx.t("brief_panel_title"), icon=":material/picture_as_pdf:"):
        left, right = st.columns([2, 1])
        fmt = select(ctx.t("brief_format"), list(briefs.FORMATS), "brief_format", format_func=lambda f: ctx.t(f"brief_format_{f}"),
                     default="pdf", kind="radio", container=left)
        key = (kind, fmt, ctx.lang, ctx.data_version, tuple(sorted(target.items(), key=lambda kv: kv[0]).__repr__()))
        store = st.session_state.setdefault("_briefs", {})
        if right.button(ctx.t("brief_make"), key=f"make_{kind}", icon=":material/description:"):
            with st.status(ctx.t("brief_making"), expanded=False) as status:
                con = cursor()
                try:
                    data = briefs.make(con, kind, fmt=fmt, lang=ctx.lang, keep_renderer=True,
                                       progress=lambda text, fraction: status.update(label=text), **target)
                except briefs.MissingDependency as error:
                    status.update(label=ctx.t("brief_failed"), state="error")
                    st.error(str(error))
                    return
                finally:
                    con.close()
                store.clear()
                store[key] = data
                status.update(label=ctx.t("brief_step_done"), state="complete")
        if key in store:
            st.download_button(ctx.t("brief_download"), store[key],
                               briefs.file_name(kind, fmt, ctx.lang, target.get("city_id"), target.get("city_ids")),
                               briefs.MEDIA_TYPES[fmt], icon=":material/download:", key=f"download_{kind}")
