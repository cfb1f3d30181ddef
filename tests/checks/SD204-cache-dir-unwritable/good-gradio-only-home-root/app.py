import gradio as gr

demo = gr.Interface(fn=lambda s: s[::-1], inputs="text", outputs="text")
demo.launch(server_name="0.0.0.0", server_port=7860)
