"""Shared Streamlit helpers for the pages: language, messages, grid state."""
