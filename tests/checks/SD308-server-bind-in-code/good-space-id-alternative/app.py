import os

import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")

if os.environ.get("SPACE_ID"):
    demo.launch(server_name="0.0.0.0", server_port=7860)
else:
    demo.launch(server_name="127.0.0.1", server_port=7860)
