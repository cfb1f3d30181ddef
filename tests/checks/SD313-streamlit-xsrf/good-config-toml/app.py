import pandas as pd
import streamlit as st

st.title("CSV viewer")
uploaded = st.sidebar.file_uploader("Upload a CSV", type="csv")
if uploaded is not None:
    st.dataframe(pd.read_csv(uploaded))
