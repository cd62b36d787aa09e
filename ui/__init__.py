"""Streamlit-side helpers of the HueRevive site: strings, widgets, model cache. No model code here."""
