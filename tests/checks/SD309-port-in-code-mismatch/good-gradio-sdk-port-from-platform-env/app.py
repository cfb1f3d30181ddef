import os

import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")

demo.launch(server_port=int(os.getenv("GRADIO_SERVER_PORT", 8080)))
