import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")

demo.launch(server_port=7860)
