import os

os.environ["GRADIO_SERVER_PORT"] = "7861"  # expect: SD309

import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")
demo.launch()
