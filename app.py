"""Hub Dashboard: the frame only (architecture.md). Pages draw their own shared sidebar
through pages/_common.py, so each also runs standalone. Groups follow ui.md's audiences."""
import streamlit as st

st.set_page_config(page_title="Hub Dashboard", page_icon="📊", layout="wide")

PAGES = {
    "Pilot": [
        st.Page("pages/pilot.py", title="Pilot scorecard", icon=":material/flag:",
                url_path="pilot", default=True),
    ],
    "Data": [
        st.Page("pages/data_status.py", title="Data status", icon=":material/fact_check:",
                url_path="data_status"),
    ],
}

st.navigation(PAGES).run()
