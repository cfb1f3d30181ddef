import os

import gradio as gr
from huggingface_hub import InferenceClient

HF_TOKEN = "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"  # expect: SD306
client = InferenceClient(token=os.environ.get("HF_TOKEN", HF_TOKEN))

# expect: SD306
AWS_ACCESS_KEY_ID = "AKIA5344TFJGVQ4K7BN7"


def answer(q):
    return client.text_generation(q)


gr.Interface(answer, "text", "text").launch()
