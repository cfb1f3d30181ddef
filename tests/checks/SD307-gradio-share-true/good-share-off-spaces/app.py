import os

import gradio as gr

demo = gr.Interface(lambda s: s[::-1], "text", "text")

if os.getenv("SPACE_ID"):
    demo.launch()
else:
    demo.launch(share=True)

demo.launch(share=os.getenv("SPACE_ID") is None)
demo.launch(share=False)
