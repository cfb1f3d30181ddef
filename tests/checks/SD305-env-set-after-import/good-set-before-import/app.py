import os

os.environ["HF_HUB_CACHE"] = "/home/user/.cache/hub"
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import gradio as gr  # noqa: E402

# Read on every call, not at import: setting it here works.
os.environ["HF_TOKEN"] = os.environ.get("READ_TOKEN", "")
# gradio does not import datasets; datasets reads this when it is imported, below.
os.environ["HF_DATASETS_CACHE"] = "/tmp/datasets"
# Read by gradio when launch() runs.
os.environ["GRADIO_SERVER_NAME"] = "0.0.0.0"

from datasets import load_dataset  # noqa: E402

ds = load_dataset("imdb", split="test[:10]")
gr.Interface(lambda i: ds[int(i)]["text"], "number", "text").launch()
