import os

from models import load_classifier

if not os.environ.get("SPACE_ID"):
    # expect: SD305
    os.environ["HF_ENDPOINT"] = "https://hf-mirror.example.org"

import gradio as gr

clf = load_classifier()
gr.Interface(clf, "text", "label").launch()
