import requests
import streamlit as st

API = "http://localhost:8000"
st.write(requests.get(f"{API}/health", timeout=5).json())
