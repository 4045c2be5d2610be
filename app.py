"""Hub Dashboard: the frame only (architecture.md). Pages draw their own shared sidebar
through pages/_common.py, so each also runs standalone. Groups follow ui.md's audiences."""
import streamlit as st

st.set_page_config(page_title="Hub Dashboard", page_icon="📊", layout="wide")

PAGES = {
    "Pilot": [
        st.Page("pages/pilot.py", title="Pilot scorecard", icon=":material/flag:",
                url_path="pilot", default=True),
        st.Page("pages/checkin.py", title="Biweekly check-in", icon=":material/event_repeat:",
                url_path="checkin"),
    ],
    "Data": [
        st.Page("pages/data_status.py", title="Data status", icon=":material/fact_check:",
                url_path="data_status"),
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/rule:",
                url_path="data_quality"),
        st.Page("pages/measurability.py", title="Which KPIs can we measure?",
                icon=":material/straighten:", url_path="measurability"),
    ],
}

st.navigation(PAGES).run()
