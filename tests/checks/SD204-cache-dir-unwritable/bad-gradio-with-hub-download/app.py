import gradio as gr
from gradio_client import Client

weights = gr.load("models/gpt2")
import huggingface_hub

path = huggingface_hub.hf_hub_download("gpt2", "config.json")
