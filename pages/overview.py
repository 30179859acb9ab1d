"""Overview: the network's cities and what the database holds."""
import streamlit as st

from analytics.db import connect

st.title("Migration in the cities of the MC2CM network")
con = connect()
cities = con.execute("SELECT name, country_iso3 FROM cities ORDER BY name").df()
st.dataframe(cities, hide_index=True)
