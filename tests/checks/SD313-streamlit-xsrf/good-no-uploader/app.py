import streamlit as st

st.title("Echo")
text = st.text_input("Say something")
st.write(text)
st.chat_input("Ask", accept_file=False)
