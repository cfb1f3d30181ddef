import os

# expect: SD305
os.putenv("HF_HUB_CACHE", "/tmp/hub")

import gradio as gr
from transformers import pipeline

os.environ["HF_HOME"] = "/tmp/hf"  # expect: SD305
os.environ.setdefault("HF_HUB_OFFLINE", "1")  # expect: SD305
os.environ.update({"HF_TOKEN": os.environ.get("SECRET", ""), "HF_HUB_DISABLE_TELEMETRY": "1"})  # expect: SD305

import settings  # noqa: E402,F401

pipe = pipeline("sentiment-analysis")
gr.Interface(lambda t: pipe(t)[0]["label"], "text", "text").launch()
