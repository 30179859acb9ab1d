"""The content layer: every page as an ordered list of typed sections, without Streamlit.

``report.city.city_profile`` and ``report.compare.comparison`` build a :class:`report.model.Page`
from analytics; ``views/`` render it with Streamlit, ``briefs/`` to PDF, HTML and PPTX.
See docs/sections.md.
"""
from report.model import Fact, Link, Page, Section, Table

__all__ = ["Fact", "Link", "Page", "Section", "Table"]
