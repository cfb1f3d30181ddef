import gradio as gr

demo = gr.Interface(lambda x: x, "text", "text")

demo.launch(server_name="0.0.0.0")
