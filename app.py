"""Hub Dashboard: the frame only (architecture.md). Pages draw their own shared sidebar
through pages/_common.py, so each also runs standalone. Groups follow ui.md's audiences:
executives browse the overview, the P&BI lead runs the pilot, Heads of Division read their
division and run the review, the steward works on the data."""
import streamlit as st

st.set_page_config(page_title="Hub Dashboard", page_icon="📊", layout="wide")

PAGES = {
    "Overview": [
        st.Page("pages/overview.py", title="Executive overview", icon=":material/dashboard:",
                url_path="overview", default=True),
    ],
    "Pilot": [
        st.Page("pages/pilot.py", title="Pilot scorecard", icon=":material/flag:",
                url_path="pilot"),
        st.Page("pages/checkin.py", title="Biweekly check-in", icon=":material/event_repeat:",
                url_path="checkin"),
    ],
    "Divisions": [
        st.Page("pages/division.py", title="Division KPIs", icon=":material/monitoring:",
                url_path="division"),
        st.Page("pages/coverage.py", title="Coverage", icon=":material/radar:",
                url_path="coverage"),
        st.Page("pages/cross_division.py", title="Cross-division", icon=":material/hub:",
                url_path="cross_division"),
    ],
    "Review": [
        st.Page("pages/meeting.py", title="Meeting mode", icon=":material/co_present:",
                url_path="meeting"),
        st.Page("pages/backlog.py", title="Next-action backlog", icon=":material/checklist:",
                url_path="backlog"),
        st.Page("pages/accounts.py", title="Accounts", icon=":material/domain:",
                url_path="accounts"),
        st.Page("pages/ownership.py", title="Account ownership",
                icon=":material/manage_accounts:", url_path="ownership"),
        st.Page("pages/changes.py", title="Since the last review",
                icon=":material/difference:", url_path="changes"),
    ],
    "Data": [
        st.Page("pages/data_quality.py", title="Data quality", icon=":material/rule:",
                url_path="data_quality"),
        st.Page("pages/data_status.py", title="Data status", icon=":material/fact_check:",
                url_path="data_status"),
        st.Page("pages/measurability.py", title="Which KPIs can we measure?",
                icon=":material/straighten:", url_path="measurability"),
        st.Page("pages/crm_readiness.py", title="CRM readiness", icon=":material/speed:",
                url_path="crm_readiness"),
        st.Page("pages/records.py", title="Dashboard records",
                icon=":material/inventory_2:", url_path="records"),
    ],
}

st.navigation(PAGES).run()
