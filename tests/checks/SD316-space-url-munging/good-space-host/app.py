import os

import gradio as gr
from huggingface_hub import HfApi

SPACE_ID = os.environ.get("SPACE_ID", "someone/my_demo")
HOST = os.environ.get("SPACE_HOST", "localhost:7860")
BASE_URL = f"https://{HOST}"
info = HfApi().space_info(SPACE_ID)
QUEUE_URL = f"wss://{info.subdomain}.hf.space/queue/join"
OTHER = HfApi().space_info("someone/other_demo").host
PAGE = f"https://huggingface.co/spaces/{SPACE_ID}"
CACHE_NAME = SPACE_ID.replace("/", "--")
DOCS = f"https://example.hf.space/docs/{SPACE_ID}"

with gr.Blocks() as demo:
    gr.Markdown(f"{BASE_URL} {QUEUE_URL} {OTHER} {PAGE} {CACHE_NAME} {DOCS}")

demo.launch()
