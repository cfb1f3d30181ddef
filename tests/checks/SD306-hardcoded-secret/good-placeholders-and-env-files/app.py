import os

import gradio as gr
from huggingface_hub import InferenceClient

# Set HF_TOKEN as a Space secret; it looks like hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx
EXAMPLE_TOKEN = "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
DOCS_TOKEN = "hf_YourTokenHereReplaceMeWithTheRealX"
SEQUENTIAL = "hf_abcdefghijklmnopqrstuvwxyzABCDEFGH"
SHORT = "hf_abc123"
AWS_DOC_KEY = "AKIAIOSFODNN7EXAMPLE"


def 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():
    return None


client = InferenceClient(token=os.environ["HF_TOKEN"])


def answer(q):
    return client.text_generation(q)


gr.Interface(answer, "text", "text").launch()
