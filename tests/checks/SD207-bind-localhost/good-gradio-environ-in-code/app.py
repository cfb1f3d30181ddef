import os

os.environ["GRADIO_SERVER_NAME"] = "0.0.0.0"

import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")

demo.launch()
