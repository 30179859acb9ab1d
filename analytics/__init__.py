"""Analytics for the MC2CM city migration dashboard.

Plain functions: a DuckDB connection in, pandas / GeoDataFrame out. Never imports streamlit.
"""
