"""The framework's floor for bench/ui.py: a page that only echoes what was typed."""

import streamlit as st

typed = st.text_input("Echo", key="echo")
st.write(f"echo:{typed}")
