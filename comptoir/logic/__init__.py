"""Pure rules: no Streamlit, no database, no network, no clock."""
